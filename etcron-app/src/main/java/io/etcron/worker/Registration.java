package io.etcron.worker;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.etcron.json.Json;
import io.etcron.store.Keys;
import io.etcron.store.WorkerInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code workers/<id>} current: put on the session lease when the worker starts or opens a
 * new session, and again (at most every {@link #MIN_INTERVAL}) when its running runs change.
 * Thread-safe.
 */
final class Registration {
  private static final Logger log = LoggerFactory.getLogger(Registration.class);
  static final Duration MIN_INTERVAL = Duration.ofMillis(500);

  private final Client client;
  private final String key;
  private final WorkerInfo base;
  private final Supplier<List<String>> running;
  private final LongSupplier lease;
  private final ScheduledExecutorService timer;
  private final Duration timeout;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();

  Registration(
      Client client,
      Keys keys,
      WorkerInfo base,
      Supplier<List<String>> running,
      LongSupplier lease,
      ScheduledExecutorService timer,
      Duration timeout) {
    this.client = client;
    this.key = keys.worker(base.id());
    this.base = base;
    this.running = running;
    this.lease = lease;
    this.timer = timer;
    this.timeout = timeout;
  }

  /** Writes the registration now; blocks for one request. */
  void putNow() throws Exception {
    putNow(lease.getAsLong());
  }

  /** Writes the registration on {@code leaseId} now; blocks for one request. */
  void putNow(long leaseId) throws Exception {
    WorkerInfo info =
        new WorkerInfo(
            base.id(),
            base.host(),
            base.pid(),
            base.version(),
            base.tags(),
            base.capacity(),
            base.startedAt(),
            running.get(),
            Long.toHexString(leaseId),
            draining.get());
    client
        .getKVClient()
        .put(
            Keys.bytes(key),
            Keys.bytes(Json.write(info)),
            PutOption.builder().withLeaseId(leaseId).build())
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Says the worker drains, at once: peers stop preferring it for fires. Best effort (a peer that
   * does not see it takes the fires over after the grace, as from a dead worker).
   */
  void draining() {
    draining.set(true);
    try {
      putNow();
    } catch (Exception e) {
      log.debug("could not mark the registration draining: {}", e.toString());
    }
  }

  /** Asks for an update soon; coalesces bursts of changes into one write. */
  void changed() {
    if (pending.compareAndSet(false, true)) {
      timer.schedule(
          () -> {
            pending.set(false);
            try {
              putNow();
            } catch (Exception e) {
              log.debug("could not update the registration: {}", e.toString());
            }
          },
          MIN_INTERVAL.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }
}
