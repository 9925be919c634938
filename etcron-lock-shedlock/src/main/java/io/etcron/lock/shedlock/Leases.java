package io.etcron.lock.shedlock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcron.lock.EtcdUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The lease moves of unlock-with-lockAtLeastFor and extend, as jetcd calls. Thread-safe. */
final class Leases {
  private static final Logger log = LoggerFactory.getLogger(Leases.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Client client;

  Leases(Client client) {
    this.client = client;
  }

  /** {@code d} as a lease TTL: whole seconds, rounded up, at least {@code min}. */
  static Duration ttl(Duration d, Duration min) {
    long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Duration.ofSeconds(Math.max(seconds, min.getSeconds()));
  }

  /**
   * Grants a lease of {@code ttl} and moves {@code key} onto it if it still has create revision
   * {@code token}. Returns the new lease, or 0 (revoking it) when the key is no longer ours.
   */
  long moveTo(String key, long token, Duration ttl) {
    long lease = await(client.getLeaseClient().grant(ttl.toSeconds()), "grant a lease").getID();
    ByteSequence k = ByteSequence.from(key, StandardCharsets.UTF_8);
    var response =
        await(
            client
                .getKVClient()
                .txn()
                // Still ours: a later holder's key has a larger create revision.
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(token)))
                // Same key, same create revision (the fencing token), new lease.
                .Then(
                    Op.put(
                        k,
                        ByteSequence.from(
                            "shedlock\n" + java.time.Instant.now(), StandardCharsets.UTF_8),
                        PutOption.builder().withLeaseId(lease).build()))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(),
            "move " + key + " to a new lease");
    if (!response.isSucceeded()) {
      revoke(lease);
      return 0;
    }
    return lease;
  }

  /** Revokes {@code lease}, deleting its keys; if etcd does not answer, it expires by itself. */
  void revoke(long lease) {
    try {
      await(client.getLeaseClient().revoke(lease), "revoke lease " + Long.toHexString(lease));
    } catch (RuntimeException e) {
      log.warn("could not revoke lease {}; it expires by itself: {}", lease, e.getMessage());
    }
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) {
    try {
      return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EtcdUnavailableException("interrupted while waiting for etcd to " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new EtcdUnavailableException("etcd failed to " + what + ": " + e.getMessage(), e);
    }
  }
}
