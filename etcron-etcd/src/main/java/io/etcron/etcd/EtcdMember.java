package io.etcron.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd server process. Thread-safe: every lifecycle method is synchronized. Stop, kill, pause
 * and resume act on the running process and are no-ops when there is none.
 */
public final class EtcdMember {
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private static final Logger log = LoggerFactory.getLogger(EtcdMember.class);

  /** A supervised process restarted after this delay, doubled for each quick exit in a row. */
  private static final Duration RESTART_DELAY = Duration.ofSeconds(1);

  private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);

  /** A process that ran this long before it exited did not die young. */
  private static final Duration STAYED_UP = Duration.ofSeconds(30);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  private final String name;
  private final Path binary;
  private final Path dataDir;
  private final Path logFile;
  private final int clientPort;
  private final int peerPort;
  private final String initialCluster;
  private final List<String> extraArgs;
  private Process process;
  private boolean paused;
  private boolean supervised;

  /** Whether the process should run: false once stopped or killed on purpose. */
  private boolean wanted;

  /** Restarts in a row of a process that died young; the next one waits longer. */
  private int quickRestarts;

  private long launchedAt;

  EtcdMember(
      String name,
      Path binary,
      Path dataDir,
      int clientPort,
      int peerPort,
      String initialCluster,
      List<String> extraArgs) {
    this.name = name;
    this.binary = binary;
    this.dataDir = dataDir;
    this.logFile = dataDir.resolveSibling(name + ".log");
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.initialCluster = initialCluster;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** The member's name, e.g. {@code n1}. */
  public String name() {
    return name;
  }

  /** The client URL, {@code http://127.0.0.1:PORT}. */
  public String clientUrl() {
    return "http://127.0.0.1:" + clientPort;
  }

  /** The peer URL, {@code http://127.0.0.1:PORT}. */
  public String peerUrl() {
    return "http://127.0.0.1:" + peerPort;
  }

  /** The member's data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The file that receives the member's own log. */
  public Path logFile() {
    return logFile;
  }

  /** The process id, or -1 when not running. */
  public synchronized long pid() {
    return process != null && process.isAlive() ? process.pid() : -1;
  }

  /** Whether the process is alive (a paused process is alive). */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the process without waiting for it to be healthy. */
  synchronized void launch() {
    if (isRunning()) {
      return;
    }
    List<String> command = new ArrayList<>();
    // In a session of its own: Ctrl-C in a terminal, or a signal to etcron's whole process group,
    // then reaches etcron only, which stops this etcd last, once its worker has drained and let go
    // of its lease (with etcd gone first, that stop waited on every request's timeout). setsid
    // execs in place (etcron's child is no group leader), so the process is etcd itself.
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.add(binary.toString());
    command.addAll(
        List.of(
            "--name=" + name,
            "--data-dir=" + dataDir,
            "--logger=zap",
            "--log-outputs=stderr",
            "--listen-client-urls=" + clientUrl(),
            "--advertise-client-urls=" + clientUrl(),
            "--listen-peer-urls=" + peerUrl(),
            "--initial-advertise-peer-urls=" + peerUrl(),
            "--initial-cluster=" + initialCluster,
            "--initial-cluster-state=new",
            "--initial-cluster-token=etcron",
            // etcd 3.4 never compacts unless told; without this the space quota fills up.
            "--auto-compaction-mode=revision",
            "--auto-compaction-retention=10000"));
    command.addAll(extraArgs);
    try {
      Files.createDirectories(dataDir.getParent());
      killOrphan();
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      paused = false;
      wanted = true;
      launchedAt = System.nanoTime();
      if (supervised) {
        watch(process);
      }
      Files.writeString(pidFile(), Long.toString(process.pid()));
      log.debug("started etcd {} pid {} on {}", name, process.pid(), clientUrl());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary + " for member " + name, e);
    }
  }

  private Path pidFile() {
    return dataDir.resolveSibling(name + ".pid");
  }

  /**
   * A previous owner killed with SIGKILL leaves its etcd running on our data directory; stop it
   * (only if it is an etcd on this very directory) so that the new one can start.
   */
  private void killOrphan() throws IOException {
    Path pid = pidFile();
    if (!Files.exists(pid)) {
      return;
    }
    try {
      ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
          .filter(
              p ->
                  p.info()
                      .commandLine()
                      .map(c -> c.contains("--data-dir=" + dataDir))
                      .orElse(false))
          .ifPresent(
              p -> {
                log.warn("stopping a leftover etcd (pid {}) on {}", p.pid(), dataDir);
                p.destroy();
                try {
                  p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                  p.destroyForcibly();
                }
              });
    } catch (NumberFormatException e) {
      // not ours
    }
    Files.deleteIfExists(pid);
  }

  /** Blocks until the member answers healthy on its client URL, or throws after the timeout. */
  void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Process p;
      synchronized (this) {
        p = process;
      }
      if (p == null || !p.isAlive()) {
        throw new EtcdStartException(
            "etcd member " + name + " exited during start-up; its log ends with:\n" + logTail());
      }
      if (isHealthy()) {
        return;
      }
      try {
        p.waitFor(25, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EtcdStartException("interrupted while waiting for etcd member " + name);
      }
    }
    throw new EtcdStartException(
        "etcd member "
            + name
            + " was not healthy on "
            + clientUrl()
            + " within "
            + timeout
            + "; its log ends with:\n"
            + logTail());
  }

  /** Whether {@code /health} on the client URL reports healthy right now. */
  public boolean isHealthy() {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(clientUrl() + "/health"))
              .timeout(Duration.ofSeconds(1))
              .build();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().contains("\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** From now on, starts the process again whenever it exits without being asked to. */
  synchronized void supervise() {
    supervised = true;
    if (process != null) {
      watch(process);
    }
  }

  private void watch(Process p) {
    p.onExit().thenRun(() -> exited(p));
  }

  private void exited(Process p) {
    Duration delay;
    synchronized (this) {
      if (process != p || !wanted) {
        return; // stopped, killed or started again on purpose
      }
      process = null;
      boolean young = System.nanoTime() - launchedAt < STAYED_UP.toNanos();
      quickRestarts = young ? quickRestarts + 1 : 0;
      delay = RESTART_DELAY.multipliedBy(1L << Math.min(Math.max(quickRestarts - 1, 0), 5));
      if (delay.compareTo(MAX_RESTART_DELAY) > 0) {
        delay = MAX_RESTART_DELAY;
      }
    }
    log.error(
        "etcd {} (pid {}) exited with code {} without being asked to; starting it again in {}"
            + " s. Its log ({}) ends with:\n{}",
        name,
        p.pid(),
        p.exitValue(),
        delay.toSeconds(),
        logFile,
        logTail());
    CompletableFuture.runAsync(
        this::launchIfWanted,
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
  }

  private synchronized void launchIfWanted() {
    if (wanted && process == null) {
      try {
        launch();
        log.info("etcd {} started again (pid {})", name, process.pid());
      } catch (RuntimeException e) {
        log.error("etcd {} could not be started again: {}", name, e.getMessage());
      }
    }
  }

  /** Stops the process with SIGTERM and waits for it to exit (SIGKILL after 10 s). */
  public synchronized void stop() {
    wanted = false;
    if (process == null) {
      return;
    }
    resumeIfPaused();
    process.destroy();
    awaitExit(Duration.ofSeconds(10));
  }

  /** Kills the process with SIGKILL, as a crash would, and waits for it to be gone. */
  public synchronized void kill() {
    wanted = false;
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /** Freezes the process with SIGSTOP: it keeps its sockets but answers nothing. */
  public synchronized void pause() {
    if (isRunning() && !paused) {
      signal("STOP");
      paused = true;
    }
  }

  /** Thaws a paused process with SIGCONT. */
  public synchronized void resume() {
    resumeIfPaused();
  }

  /**
   * Starts the member again on the same ports and data directory without waiting: a member of a
   * cluster that lost its quorum only becomes healthy once enough members are back.
   */
  public void launchAgain() {
    launch();
  }

  /** Starts the member again on the same ports and data directory and waits until healthy. */
  public void restart(Duration timeout) {
    launch();
    awaitHealthy(timeout);
  }

  private void resumeIfPaused() {
    if (paused && isRunning()) {
      signal("CONT");
    }
    paused = false;
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling etcd member " + name, e);
    }
  }

  private void awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
    paused = false;
  }

  /** The last lines of the member's log, for error messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log at " + logFile + ")";
    }
  }

  @Override
  public String toString() {
    return "etcd member " + name + " at " + clientUrl();
  }
}
