package io.etcron.execute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A child process started in a session and process group of its own ({@code setsid}), so that a
 * kill reaches the whole tree it spawns: the group and every descendant are sent SIGTERM, then
 * SIGKILL after a grace period. Thread-safe.
 */
public final class ProcessTree {
  private final Process process;
  private final AtomicBoolean killed = new AtomicBoolean();

  private ProcessTree(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code command} (no shell involved) in a new session.
   *
   * @param env variables added to (and overriding) the inherited environment
   * @param configure adjusts the builder (redirects) before start
   * @throws UncheckedIOException when the process cannot be started
   */
  public static ProcessTree start(
      List<String> command,
      Map<String, String> env,
      Optional<Path> workingDir,
      java.util.function.Consumer<ProcessBuilder> configure) {
    List<String> full = new ArrayList<>();
    full.add("setsid");
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full);
    builder.environment().putAll(env);
    workingDir.ifPresent(dir -> builder.directory(dir.toFile()));
    configure.accept(builder);
    try {
      return new ProcessTree(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  /** The underlying process (its pid is also its process group id). */
  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  /** Whether {@link #kill(Duration)} was called. */
  public boolean wasKilled() {
    return killed.get();
  }

  /**
   * Waits for the process to exit.
   *
   * @return its exit code; 128 + N when it died of signal N
   */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** Waits at most {@code timeout}; true if the process exited. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Kills the whole tree: SIGTERM to the process group and to every descendant, then SIGKILL to
   * whatever is left after {@code grace}. Blocks for at most about {@code grace} + 1 s. Idempotent.
   */
  public void kill(Duration grace) {
    killed.set(true);
    List<ProcessHandle> tree = tree();
    signal("TERM", tree);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle p : tree) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          p.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        } catch (Exception e) {
          // still alive at the deadline: SIGKILL follows
        }
      }
    }
    List<ProcessHandle> survivors = new ArrayList<>(tree);
    survivors.addAll(tree()); // children spawned while dying
    survivors.removeIf(p -> !p.isAlive());
    if (!survivors.isEmpty()) {
      signal("KILL", survivors);
    }
  }

  /** The process and all its live descendants. */
  private List<ProcessHandle> tree() {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process.toHandle());
    process.toHandle().descendants().forEach(tree::add);
    return tree;
  }

  private void signal(String signal, List<ProcessHandle> targets) {
    List<String> command =
        new ArrayList<>(List.of("kill", "-" + signal, "--", "-" + process.pid()));
    for (ProcessHandle p : targets) {
      command.add(Long.toString(p.pid()));
    }
    try {
      // Exits non-zero when some targets are already gone: expected, nothing to report.
      new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      targets.forEach(
          signal.equals("KILL") ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      targets.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
