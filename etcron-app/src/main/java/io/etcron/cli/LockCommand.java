package io.etcron.cli;

import io.etcd.jetcd.Client;
import io.etcron.concurrent.Threads;
import io.etcron.execute.ProcessTree;
import io.etcron.execute.ShellExecutor;
import io.etcron.execute.Watchdog;
import io.etcron.lock.HeldLock;
import io.etcron.lock.Lock;
import io.etcron.lock.LockName;
import io.etcron.lock.LockTimeoutException;
import io.etcron.lock.Session;
import io.etcron.lock.SessionLostException;
import io.etcron.lock.TryResult;
import io.etcron.store.EtcdSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code etcron lock NAME [--ttl 5s] [--wait D] -- COMMAND [ARGS]}: a distributed flock. */
@Command(
    name = "lock",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs COMMAND while holding the distributed lock NAME (a distributed flock).",
      "Without --wait it only tries: when the lock is taken it says who holds it and exits 75.",
      "The command sees ETCRON_FENCING_TOKEN; if the lock is lost its whole process tree is killed"
          + " and etcron exits 76. Otherwise etcron exits with the command's exit code."
    })
final class LockCommand implements Callable<Integer> {
  private static final Duration KILL_GRACE = Duration.ofSeconds(5);

  /** Sessions opened, at most, when each is lost before the lock is taken. */
  private static final int SESSION_ATTEMPTS = 3;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "Lock name: letters, digits, '.', '_', '-'.")
  String name;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "COMMAND",
      description = "The command and its arguments (after --).")
  List<String> command;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description =
          "Lease TTL: how long a crashed holder keeps the lock (default ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Wait up to DURATION for the lock, in a fair queue, instead of failing at once.")
  Duration wait;

  @Mixin EtcdOptions etcd;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    LockName.check(name);
    Watchdog.check();
    EtcdSettings settings = etcd.settings();
    long waitEnd = wait == null ? 0 : System.nanoTime() + wait.toNanos();
    try (Client client = settings.connect()) {
      for (int attempt = 1; ; attempt++) {
        try (Session session =
            Session.builder(client)
                .ttl(ttl)
                .namespace(settings.namespace())
                .requestTimeout(settings.requestTimeout())
                .open()) {
          Optional<HeldLock> held;
          try {
            held = acquire(Lock.on(session, name), waitEnd, err);
          } catch (SessionLostException e) {
            // Nothing is held yet, so another session is safe: a lease lost this early is most
            // often keep-alives starved while the JVM starts on a loaded machine.
            if (attempt == SESSION_ATTEMPTS || (wait != null && System.nanoTime() >= waitEnd)) {
              throw e;
            }
            err.println(
                "etcron: the session was lost before lock "
                    + name
                    + " was taken ("
                    + e.getMessage()
                    + "); opening another");
            continue;
          }
          if (held.isEmpty()) {
            return ExitCodes.LOCK_TAKEN;
          }
          try (HeldLock h = held.get()) {
            return run(h, session, err);
          }
        }
      }
    }
  }

  /** Tries once, or waits in the queue until {@code waitEnd} (a {@link System#nanoTime()}). */
  private Optional<HeldLock> acquire(Lock lock, long waitEnd, PrintWriter err) {
    if (wait == null) {
      TryResult result = lock.tryAcquire();
      result.holder().ifPresent(h -> err.println("etcron: lock " + name + " is held by " + h));
      return result.lock();
    }
    try {
      return Optional.of(lock.acquire(Duration.ofNanos(Math.max(0, waitEnd - System.nanoTime()))));
    } catch (LockTimeoutException e) {
      err.println("etcron: " + e.getMessage());
      return Optional.empty();
    }
  }

  private int run(HeldLock held, Session session, PrintWriter err) throws InterruptedException {
    ProcessTree tree =
        ProcessTree.startInheritingIo(
            command,
            Map.of(
                "ETCRON_FENCING_TOKEN", Long.toString(held.fencingToken()),
                "ETCRON_LOCK", name,
                "ETCRON_LOCK_KEY", held.key()),
            Optional.of(session.remaining()));
    // The watchdog kills the command by itself if this JVM stops feeding it (frozen, killed).
    ScheduledExecutorService feeder =
        Executors.newSingleThreadScheduledExecutor(Threads.named("etcron-watchdog-feed"));
    feeder.scheduleWithFixedDelay(
        () -> tree.feed(session.remaining()),
        0,
        ShellExecutor.FEED_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    AtomicReference<String> lost = new AtomicReference<>();
    held.lost()
        .thenAccept(
            end -> {
              lost.set(end.detail());
              // No grace: the lease may expire any moment, and then the next holder starts.
              tree.kill(Duration.ZERO);
            });
    // Ctrl-C or SIGTERM to etcron: stop the command's tree, then give the lock back.
    Thread onSignal =
        new Thread(
            () -> {
              tree.kill(KILL_GRACE);
              held.release();
              session.close();
            },
            "etcron-lock-shutdown");
    Runtime.getRuntime().addShutdownHook(onSignal);
    int exit = tree.waitFor();
    feeder.shutdownNow();
    try {
      Runtime.getRuntime().removeShutdownHook(onSignal);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    if (lost.get() == null && !session.isAlive()) {
      // The watchdog ended the command at the deadline before this JVM noticed the loss itself.
      lost.set("the lease's local deadline passed");
    }
    if (lost.get() != null) {
      err.println(
          "etcron: lock " + name + " was lost (" + lost.get() + "); the command was killed");
      return ExitCodes.LOCK_LOST;
    }
    return exit;
  }
}
