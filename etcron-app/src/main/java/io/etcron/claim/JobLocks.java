package io.etcron.claim;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcron.store.EtcdRetry;
import io.etcron.store.Keys;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * Releases a job's lock ({@code locks/<job>}) that a claim took (policies forbid and replace), once
 * the run's end is stored. The lock itself is taken inside the claim transaction (see {@link
 * Claimer}). Thread-safe; never blocks.
 */
public final class JobLocks {

  private final Client client;
  private final Keys keys;
  private final EtcdRetry retry;
  private final BooleanSupplier worthRetrying;

  /**
   * @param worthRetrying whether a failed release is tried again: not once the lease holding the
   *     lock has ended (the lock went with it) or the worker is closing (its lease is revoked)
   */
  public JobLocks(
      Client client,
      Keys keys,
      Duration timeout,
      ScheduledExecutorService timers,
      BooleanSupplier worthRetrying) {
    this.client = client;
    this.keys = keys;
    this.retry = new EtcdRetry(timeout, timers);
    this.worthRetrying = worthRetrying;
  }

  /**
   * Deletes {@code locks/<job>} if it still holds the claim {@code token}; retried until etcd
   * answers.
   */
  public void release(String job, long token) {
    var key = Keys.bytes(keys.lock(job));
    retry.send(
        "releasing the lock of " + job,
        () ->
            client
                .getKVClient()
                .txn()
                // Only our claim: a replace has overwritten the key with a later mod revision.
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(token)))
                .Then(Op.delete(key, DeleteOption.DEFAULT))
                .commit(),
        worthRetrying);
  }
}
