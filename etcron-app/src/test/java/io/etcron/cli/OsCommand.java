package io.etcron.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program of the machine (apt-get, openssl, promtool...) to completion, bounded in time. */
final class OsCommand {
  private OsCommand() {}

  record Result(int exit, String output) {}

  /** Whether {@code program} is an executable on the PATH. */
  static boolean installed(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (new File(dir, program).canExecute()) {
        return true;
      }
    }
    return false;
  }

  static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
    return run(timeout, Map.of(), command);
  }

  /** Runs {@code command} with extra {@code env}, stdout and stderr together, stdin empty. */
  static Result run(Duration timeout, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    return run(timeout, env, new File("/dev/null"), command);
  }

  /** Runs {@code command} reading {@code input} on stdin. */
  static Result run(Duration timeout, Map<String, String> env, File input, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("etcron-cmd", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(List.of(command))
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(input));
      builder.environment().putAll(env);
      Process p = builder.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish within "
                + timeout
                + ":\n"
                + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
