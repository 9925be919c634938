package io.etcron.execute;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A command started under its {@link Watchdog}, in a session and process group of its own, so that
 * a kill reaches the whole tree it spawns: the group and every descendant are sent SIGTERM, then
 * SIGKILL after a grace period.
 *
 * <p>The watchdog is the process's direct child of the JVM; it kills the command's tree by itself
 * when {@link #feed(Duration)} is not called again within the duration last fed, or when this JVM
 * dies. It is the command's subreaper, so descendants that left the command's process group ({@code
 * setsid}, a daemon's double fork) stay below it, where both its kill and this class's find them.
 * Thread-safe.
 */
public final class ProcessTree {
  private final Process process;
  private final OutputStream control;
  private final Path fifoDir;
  private final AtomicBoolean killed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ProcessTree(Process process, OutputStream control, Path fifoDir) {
    this.process = process;
    this.control = control;
    this.fifoDir = fifoDir;
  }

  /**
   * Starts {@code command} (no shell involved) in a new session, under a watchdog fed through the
   * process's standard input (the command itself reads {@code /dev/null}).
   *
   * @param env variables added to (and overriding) the inherited environment
   * @param leaseLeft how long the command may run without a {@link #feed}; empty for no deadline
   *     (the watchdog still kills the command if this JVM dies)
   * @param configure adjusts the builder (output redirects) before start
   * @throws UncheckedIOException when the process cannot be started
   */
  public static ProcessTree start(
      List<String> command,
      Map<String, String> env,
      Optional<Path> workingDir,
      Optional<Duration> leaseLeft,
      Consumer<ProcessBuilder> configure) {
    return start(
        command, env, workingDir, leaseLeft, Optional.empty(), Confinement.NONE, configure);
  }

  /**
   * As {@link #start(List, Map, Optional, Optional, Consumer)}; the watchdog also writes the exit
   * code of a command that ended by itself to {@code exitNote}, where it outlives this JVM, and
   * runs the command as {@code confinement}'s account. A command that cannot run as that account
   * does not start: the watchdog exits with 126 and says why on the output.
   */
  public static ProcessTree start(
      List<String> command,
      Map<String, String> env,
      Optional<Path> workingDir,
      Optional<Duration> leaseLeft,
      Optional<Path> exitNote,
      Confinement confinement,
      Consumer<ProcessBuilder> configure) {
    ProcessBuilder builder =
        builder(Watchdog.command(Optional.empty(), exitNote, leaseLeft, confinement, command), env);
    workingDir.ifPresent(dir -> builder.directory(dir.toFile()));
    configure.accept(builder);
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = launch(builder, command);
    return new ProcessTree(p, p.getOutputStream(), null);
  }

  /**
   * Starts {@code command} with the terminal's standard input, output and error, under a watchdog
   * fed through a FIFO of its own (for {@code etcron lock}, whose command may be interactive).
   *
   * @throws UncheckedIOException when the process cannot be started
   */
  public static ProcessTree startInheritingIo(
      List<String> command, Map<String, String> env, Optional<Duration> leaseLeft) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("etcron-watchdog");
      Path fifo = dir.resolve("control");
      mkfifo(fifo);
      // Read-write: opening a FIFO so never blocks, whether or not the watchdog has opened it yet.
      RandomAccessFile channel = new RandomAccessFile(fifo.toFile(), "rw");
      OutputStream control = new java.io.FileOutputStream(channel.getFD());
      ProcessBuilder builder =
          builder(
              Watchdog.command(
                  Optional.of(fifo), Optional.empty(), leaseLeft, Confinement.NONE, command),
              env);
      builder.inheritIO();
      Process p = launch(builder, command);
      return new ProcessTree(p, control, dir);
    } catch (IOException e) {
      deleteQuietly(dir);
      throw new UncheckedIOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  private static ProcessBuilder builder(List<String> full, Map<String, String> env) {
    ProcessBuilder builder = new ProcessBuilder(full);
    builder.environment().putAll(env);
    return builder;
  }

  private static Process launch(ProcessBuilder builder, List<String> command) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  private static void mkfifo(Path fifo) throws IOException {
    try {
      Process p = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start();
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("mkfifo " + fifo + " failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while creating " + fifo, e);
    }
  }

  /** The watchdog process; its output is the command's. */
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
   * Tells the watchdog the lease is valid for {@code left} more: it kills the command unless fed
   * again within that time. Zero or less kills at once. Never blocks for long (a pipe write).
   */
  public void feed(Duration left) {
    send("D " + Math.max(0, left.toMillis()));
  }

  /**
   * Waits for the process to exit.
   *
   * @return its exit code; 128 + N when it died of signal N
   */
  public int waitFor() throws InterruptedException {
    int exit = process.waitFor();
    closeControl();
    return exit;
  }

  /** Waits at most {@code timeout}; true if the process exited. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    boolean exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (exited) {
      closeControl();
    }
    return exited;
  }

  /**
   * Kills the whole tree: SIGTERM to the process group and to every descendant, then SIGKILL to
   * whatever is left after {@code grace} ({@link Duration#ZERO}: SIGKILL at once). Blocks for at
   * most about {@code grace} + 1 s. Idempotent.
   */
  public void kill(Duration grace) {
    killed.set(true);
    List<ProcessHandle> tree = descendants();
    if (grace.isZero() || grace.isNegative()) {
      send("K");
      signal("KILL", tree);
      return;
    }
    send("T");
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
    survivors.addAll(descendants()); // children spawned while dying
    survivors.removeIf(p -> !p.isAlive());
    if (!survivors.isEmpty() || process.isAlive()) {
      send("K");
      signal("KILL", survivors);
    }
  }

  /** The command and its live descendants (the watchdog itself excluded: it reports the exit). */
  private List<ProcessHandle> descendants() {
    List<ProcessHandle> tree = new ArrayList<>();
    process.toHandle().descendants().forEach(tree::add);
    return tree;
  }

  private void signal(String signal, List<ProcessHandle> targets) {
    if (targets.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal, "--"));
    // The command is the watchdog's only child and leads its own process group.
    command.add("-" + targets.get(0).pid());
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

  private void send(String line) {
    if (closed.get()) {
      return;
    }
    try {
      synchronized (control) {
        control.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        control.flush();
      }
    } catch (IOException e) {
      // the watchdog has exited with its command: nothing left to tell
    }
  }

  private void closeControl() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      control.close();
    } catch (IOException e) {
      // already gone
    }
    deleteQuietly(fifoDir);
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.deleteIfExists(dir.resolve("control"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temporary directory; nothing depends on it
    }
  }
}
