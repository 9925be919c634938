package io.etcron.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A distributed mutual-exclusion lock on one etcd key. Implementations are thread-safe; one {@code
 * Lock} may be acquired many times, each acquisition giving its own {@link HeldLock}.
 */
public interface Lock {

  /** The etcd key that the holder writes. */
  String key();

  /**
   * Tries once, with one etcd transaction: {@code If(CreateRevision(key) == 0) Then(Put(key, owner,
   * lease)) Else(Get(key))}. Never waits for the holder; a try may overtake waiters.
   *
   * @throws SessionLostException when the session is not alive
   * @throws EtcdUnavailableException when etcd does not answer in time
   */
  TryResult tryAcquire();

  /**
   * Waits in a fair (FIFO) queue until the lock is ours or {@code timeout} passes. Blocks.
   *
   * @throws LockTimeoutException at the deadline; the wait leaves no key behind
   * @throws SessionLostException when the session is lost while waiting
   * @throws EtcdUnavailableException when etcd does not answer in time
   */
  HeldLock acquire(Duration timeout);

  /**
   * Joins the fair queue without blocking. Cancelling the future leaves the queue and removes the
   * waiter's key; the future fails with {@link SessionLostException} if the session is lost.
   */
  CompletableFuture<HeldLock> acquireAsync();
}
