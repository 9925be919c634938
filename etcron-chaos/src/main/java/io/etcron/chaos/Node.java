package io.etcron.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One etcron process ({@code java -jar etcron.jar master|worker ...}) that can be started, killed
 * with SIGKILL, frozen with SIGSTOP, thawed and stopped, always by its own pid. Its output is
 * appended to {@code logs/<name>.log}. Thread-safe: every method is synchronized.
 */
final class Node {
  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;
  private boolean frozen;

  Node(String name, Path java, Path jar, List<String> jvmOptions, List<String> args, Path logs) {
    this.name = name;
    List<String> c = new ArrayList<>();
    c.add(java.toString());
    c.addAll(jvmOptions);
    c.add("-jar");
    c.add(jar.toString());
    c.addAll(args);
    this.command = List.copyOf(c);
    this.log = logs.resolve(name + ".log");
  }

  String name() {
    return name;
  }

  /** Starts the process (no-op when it runs). */
  synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      Files.createDirectories(log.getParent());
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      frozen = false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /** SIGKILL, as a crash; waits until the process is gone. */
  synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    await(Duration.ofSeconds(10));
    process = null;
    frozen = false;
  }

  /** SIGSTOP. */
  synchronized void freeze() {
    if (process != null && process.isAlive() && !frozen) {
      Signals.send("STOP", process.pid());
      frozen = true;
    }
  }

  /** SIGCONT after {@link #freeze()}. */
  synchronized void thaw() {
    if (frozen && process != null && process.isAlive()) {
      Signals.send("CONT", process.pid());
    }
    frozen = false;
  }

  /**
   * SIGTERM (after SIGCONT if frozen), then SIGKILL when it has not exited within {@code grace}.
   */
  synchronized void stop(Duration grace) {
    if (process == null) {
      return;
    }
    thaw();
    process.destroy();
    if (!await(grace)) {
      process.destroyForcibly();
      await(Duration.ofSeconds(10));
    }
    process = null;
  }

  private boolean await(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * When the process exited although nobody stopped or killed it: its exit code, and the node is
   * then down (start it again). Empty while it runs or after an intended stop.
   */
  synchronized Optional<Integer> reapUnexpectedExit() {
    if (process == null || process.isAlive()) {
      return Optional.empty();
    }
    int code = process.exitValue();
    process = null;
    frozen = false;
    return Optional.of(code);
  }

  @Override
  public String toString() {
    return name;
  }
}
