package io.etcron.claim;

import static io.etcron.store.Keys.bytes;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcron.store.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes {@code claims/<run id>} keys once their fires' first records are stored, in batches (one
 * transaction of up to {@link #BATCH} deletes), retrying until etcd answers. A key left behind by a
 * crash is swept by the master instead. Thread-safe; never blocks.
 */
public final class ClaimEvidence {
  private static final Logger log = LoggerFactory.getLogger(ClaimEvidence.class);

  /** Deletes per transaction (etcd's default --max-txn-ops is 128). */
  static final int BATCH = 100;

  // Long enough to delete a second's claims in one transaction: a claim key costs nothing
  // meanwhile.
  private static final Duration LINGER = Duration.ofMillis(250);
  private static final Duration RETRY = Duration.ofMillis(500);

  private final Client client;
  private final Keys keys;
  private final Duration timeout;
  private final ScheduledExecutorService timers;
  private final Queue<String> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  public ClaimEvidence(
      Client client, Keys keys, Duration timeout, ScheduledExecutorService timers) {
    this.client = client;
    this.keys = keys;
    this.timeout = timeout;
    this.timers = timers;
  }

  /** Forgets the claim of {@code runId}: its first record is stored. */
  public void forget(String runId) {
    queue.add(runId);
    schedule(LINGER);
  }

  /** Claims waiting to be forgotten. */
  public int pending() {
    return queue.size();
  }

  private void schedule(Duration delay) {
    if (scheduled.compareAndSet(false, true)) {
      try {
        timers.schedule(this::flush, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        scheduled.set(false); // shutting down: the sweeper removes what is left
      }
    }
  }

  private void flush() {
    List<String> batch = new ArrayList<>();
    while (batch.size() < BATCH) {
      String id = queue.poll();
      if (id == null) {
        break;
      }
      batch.add(id);
    }
    if (batch.isEmpty()) {
      scheduled.set(false);
      if (!queue.isEmpty()) {
        schedule(LINGER);
      }
      return;
    }
    Op[] deletes =
        batch.stream()
            .map(id -> Op.delete(bytes(keys.claim(id)), DeleteOption.DEFAULT))
            .toArray(Op[]::new);
    client
        .getKVClient()
        .txn()
        .Then(deletes)
        .commit()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (r, e) -> {
              scheduled.set(false);
              if (e != null) {
                log.debug("forgetting {} claims failed, retrying: {}", batch.size(), e.toString());
                queue.addAll(batch);
                schedule(RETRY);
              } else if (!queue.isEmpty()) {
                schedule(Duration.ZERO);
              }
            });
  }
}
