package io.etcron.worker;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcron.json.Json;
import io.etcron.lock.EtcdUnavailableException;
import io.etcron.store.EtcdCalls;
import io.etcron.store.EtcdRequestException;
import io.etcron.store.Keys;
import io.etcron.store.WorkerInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker that starts with the id of a registration still in etcd (a restart with a fixed {@code
 * --id}, faster than its old lease's TTL) ends its predecessor first. On the same host with the old
 * process gone, it revokes the old lease at once: the old locks and registration go, the sweeper
 * then sees a registration younger than the old runs and records them LOST, and other workers may
 * run the old jobs without waiting for the TTL. The old process's commands died with it (their
 * watchdogs saw it go). A registration of a process still alive on this host is a duplicate id: the
 * worker refuses to start. One from another host cannot be checked: the worker waits for its lease
 * to expire.
 */
final class Predecessor {
  private static final Logger log = LoggerFactory.getLogger(Predecessor.class);

  private Predecessor() {}

  /**
   * Ends the predecessor of {@code me}, if there is one. Blocks for at most the old lease's TTL.
   *
   * @throws IllegalStateException when a live process on this host already uses the id
   * @throws EtcdUnavailableException when etcd does not answer
   */
  static void endIfAny(Client client, Keys keys, WorkerInfo me, Duration timeout)
      throws InterruptedException {
    Optional<WorkerInfo> old = read(client, keys, me.id(), timeout);
    if (old.isEmpty()) {
      return;
    }
    WorkerInfo p = old.get();
    long lease = Long.parseUnsignedLong(p.lease(), 16);
    if (p.host().equals(me.host())) {
      if (p.pid() != me.pid()
          && ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)) {
        throw new IllegalStateException(
            "worker id "
                + me.id()
                + " is in use by process "
                + p.pid()
                + " on this host; give each worker its own --id");
      }
      log.info(
          "worker {} ends its predecessor (pid {}, lease {}): revoking its lease",
          me.id(),
          p.pid(),
          p.lease());
      try {
        call(client.getLeaseClient().revoke(lease), timeout);
      } catch (EtcdRequestException e) {
        if (!e.notFound()) {
          throw e;
        }
        // It expired between the read and the revoke: gone either way.
      }
      return;
    }
    log.info(
        "worker {} waits for its predecessor on host {} (lease {}) to expire",
        me.id(),
        p.host(),
        p.lease());
    long ttl =
        call(
                client
                    .getLeaseClient()
                    .timeToLive(lease, io.etcd.jetcd.options.LeaseOption.DEFAULT),
                timeout)
            .getTTL();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(0, ttl) + 1);
    while (read(client, keys, me.id(), timeout)
        .filter(w -> w.lease().equals(p.lease()))
        .isPresent()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "worker id "
                + me.id()
                + " is still registered by host "
                + p.host()
                + "; give each worker its own --id");
      }
      TimeUnit.MILLISECONDS.sleep(200); // polling a lease's expiry: etcd sends no event for it
    }
  }

  private static Optional<WorkerInfo> read(Client client, Keys keys, String id, Duration timeout) {
    List<KeyValue> kvs =
        call(client.getKVClient().get(Keys.bytes(keys.worker(id))), timeout).getKvs();
    if (kvs.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.read(Keys.string(kvs.get(0).getValue()), WorkerInfo.class));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static <T> T call(CompletableFuture<T> f, Duration timeout) {
    return EtcdCalls.await(f, timeout, "check for a predecessor");
  }
}
