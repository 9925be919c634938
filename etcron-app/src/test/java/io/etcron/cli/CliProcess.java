package io.etcron.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Runs {@code etcron ARGS} as a separate JVM (the real entry point), capturing its output. */
public final class CliProcess implements AutoCloseable {
  private final Process process;
  private final Path out;

  private CliProcess(Process process, Path out) {
    this.process = process;
    this.out = out;
  }

  public static CliProcess start(Map<String, String> env, String... args) throws IOException {
    return start(List.of(), env, args);
  }

  /**
   * Starts etcron as the leader of a process group of its own, as a shell starts a foreground
   * command: {@link #signalGroup} then reaches it and every process it started, as Ctrl-C does.
   */
  public static CliProcess startInOwnGroup(Map<String, String> env, String... args)
      throws IOException {
    // setsid execs in place (the JVM's child is no group leader), so the pid stays etcron's.
    return start(List.of("setsid"), env, args);
  }

  /** Sends {@code signal} (e.g. {@code INT}) to this process's whole group. */
  public void signalGroup(String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid())
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException(
          "kill -"
              + signal
              + " of group "
              + process.pid()
              + " failed: "
              + new String(kill.getInputStream().readAllBytes()));
    }
  }

  private static CliProcess start(List<String> prefix, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
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

  /** Starts {@code etcron lock NAME --ttl TTL -- COMMAND} against the etcd at {@code endpoints}. */
  public static CliProcess lock(String endpoints, String name, String ttl, String... command)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("lock", name, "--ttl", ttl, "--"));
    args.addAll(List.of(command));
    return start(Map.of("ETCRON_ETCD", endpoints), args.toArray(String[]::new));
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

  /**
   * Waits at most {@code bound} until {@code condition} holds. Fails with etcron's output when it
   * does not, at once when etcron exited first.
   */
  public void awaitUntil(Duration bound, Callable<Boolean> condition, String what) {
    try {
      Awaitility.await().atMost(bound).until(() -> condition.call() || !process.isAlive());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "not within " + bound + ": " + what + "; etcron's output so far:\n" + output(), e);
    }
    boolean holds;
    try {
      holds = condition.call();
    } catch (Exception e) {
      throw new AssertionError("could not tell whether " + what, e);
    }
    if (!holds) {
      throw new AssertionError(
          "etcron exited with "
              + process.exitValue()
              + " before "
              + what
              + "; its output:\n"
              + output());
    }
  }

  /** Waits at most {@code bound} until etcron's output contains {@code text}. */
  public void awaitOutput(Duration bound, String text) {
    awaitUntil(bound, () -> output().contains(text), "it printed \"" + text + "\"");
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
