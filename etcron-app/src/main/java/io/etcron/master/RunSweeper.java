package io.etcron.master;

import io.etcd.jetcd.Client;
import io.etcron.lock.Election;
import io.etcron.lock.HeldLock;
import io.etcron.lock.LockException;
import io.etcron.lock.NotElectedException;
import io.etcron.lock.Session;
import io.etcron.run.RetentionPolicy;
import io.etcron.run.Run;
import io.etcron.run.RunStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The duties one master does for the cluster, on the master that wins the {@code run-sweeper}
 * election: marks RUNNING runs of workers that are gone as LOST, and applies the retention policy.
 * A worker counts as gone when it has been missing from {@code workers/} for two sweeps in a row,
 * so a registration that the mirror has not seen yet is never mistaken for a death. Runs on one
 * named thread; campaigns again when its leadership is lost.
 */
public final class RunSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunSweeper.class);
  public static final Duration SWEEP_EVERY = Duration.ofSeconds(2);
  public static final Duration RETENTION_EVERY = Duration.ofMinutes(10);

  private final Client client;
  private final String namespace;
  private final RunStore runs;
  private final WorkerDirectory workers;
  private final RetentionPolicy retention;
  private final Clock clock;
  private final String owner;
  private final Thread thread;
  private final Map<String, Integer> missing = new HashMap<>();
  private volatile boolean running = true;
  private volatile boolean leader;
  private volatile Session session;

  public RunSweeper(
      Client client,
      String namespace,
      RunStore runs,
      WorkerDirectory workers,
      RetentionPolicy retention,
      Clock clock,
      String owner) {
    this.client = client;
    this.namespace = namespace;
    this.runs = runs;
    this.workers = workers;
    this.retention = retention;
    this.clock = clock;
    this.owner = owner;
    this.thread = new Thread(this::runUntilClosed, "etcron-run-sweeper");
    this.thread.setDaemon(true);
  }

  public RunSweeper start() {
    thread.start();
    return this;
  }

  /** Whether this master leads the sweeping now. */
  public boolean isLeader() {
    return leader;
  }

  private void runUntilClosed() {
    while (running) {
      try {
        session =
            Session.builder(client)
                .ttl(Duration.ofSeconds(10))
                .namespace(namespace)
                .owner(owner)
                .open();
        HeldLock leadership = campaign();
        if (leadership == null) {
          continue;
        }
        leader = true;
        log.info("{} leads the run sweeper", owner);
        Instant lastRetention = Instant.EPOCH;
        while (running && leadership.isHeld()) {
          sweep();
          if (Duration.between(lastRetention, clock.instant()).compareTo(RETENTION_EVERY) > 0) {
            int deleted = runs.applyRetention(retention, clock.instant());
            if (deleted > 0) {
              log.info("retention deleted {} runs", deleted);
            }
            lastRetention = clock.instant();
          }
          awaitLossOrTimeout(leadership);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) {
        if (running) {
          log.warn("run sweeper: {}; starting over", t.toString());
          pause();
        }
      } finally {
        leader = false;
        // Resign even when closing interrupted us: the next leader takes over at once.
        boolean interrupted = Thread.interrupted();
        Session s = session;
        if (s != null) {
          s.close();
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Waits one sweep period, or less if the leadership is lost. */
  private static void awaitLossOrTimeout(HeldLock leadership) throws InterruptedException {
    try {
      leadership.lost().get(SWEEP_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // time for the next sweep
    } catch (java.util.concurrent.ExecutionException e) {
      // lost: the loop sees it
    }
  }

  private HeldLock campaign() {
    try {
      return Election.on(session, "run-sweeper").campaign(owner, Duration.ofSeconds(30));
    } catch (NotElectedException e) {
      return null; // someone else leads; campaign again with a fresh session
    } catch (LockException e) {
      pause();
      return null;
    }
  }

  /** RUNNING runs of workers missing twice in a row become LOST, once, by this leader only. */
  void sweep() {
    Map<String, Integer> seenMissing = new HashMap<>();
    for (Run r : runs.running()) {
      if (workers.get(r.worker()).isPresent()) {
        continue;
      }
      int times = missing.getOrDefault(r.worker(), 0) + 1;
      seenMissing.put(r.worker(), times);
      if (times >= 2
          && runs.markLost(
              r.id(), "worker " + r.worker() + " is gone (its lease expired)", clock.instant())) {
        log.info("run {} is LOST: worker {} is gone", r.id(), r.worker());
      }
    }
    missing.clear();
    missing.putAll(seenMissing);
  }

  private void pause() {
    try {
      Thread.sleep(1000); // back off before campaigning again after a failure
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
