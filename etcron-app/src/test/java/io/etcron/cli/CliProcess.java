package io.etcron.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code etcron ARGS} as a separate JVM (the real entry point), capturing its output. */
public final class CliProcess implements AutoCloseable {
  private final Process process;
  private final Path out;

  private CliProcess(Process process, Path out) {
    this.process = process;
    this.out = out;
  }

  public static CliProcess start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Xmx256m");
    // Short-lived and many: the client compiler and the serial collector start them with about
    // half the CPU, which the 2-core machines the suite runs on need for etcd and the tests.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("etcron-cli", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().putAll(env);
    return new CliProcess(builder.start(), out);
  }

  /** Runs to completion (at most {@code timeout}) and returns the exit code. */
  public static Result run(Duration timeout, Map<String, String> env, String... args)
      throws Exception {
    try (CliProcess p = start(env, args)) {
      int exit = p.waitFor(timeout);
      return new Result(exit, p.output());
    }
  }

  public record Result(int exit, String output) {}

  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "etcron did not exit within " + timeout + "; output so far:\n" + output());
    }
    return process.exitValue();
  }

  public String output() {
    try {
      return Files.readString(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(out);
  }
}
