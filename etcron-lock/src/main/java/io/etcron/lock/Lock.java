package io.etcron.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A distributed mutual-exclusion lock on one etcd key, {@code <namespace>mutex/<name>}.
 * Implementations are thread-safe; one {@code Lock} may be acquired many times, each acquisition
 * giving its own {@link HeldLock}.
 *
 * <pre>{@code
 * Lock lock = Lock.on(session, "backup");
 * try (HeldLock held = lock.acquire(Duration.ofMinutes(1))) {
 *   backup(held.fencingToken());
 * }
 * }</pre>
 */
public interface Lock {

  /**
   * The lock named {@code name} held with {@code session}'s lease: one transaction to acquire, one
   * to release (etcd's {@code NewMutex(session, pfx)}).
   *
   * @throws IllegalArgumentException when the name is invalid ({@link LockName})
   */
  static Lock on(Session session, String name) {
    return new SessionLock(session, session.namespace() + "mutex/" + LockName.check(name));
  }

  /**
   * The classic per-lock-lease recipe: each acquisition opens a session of its own with {@code
   * settings} (grant + keep-alive) and its release revokes that lease. Costs a grant and a revoke
   * more than {@link #on}, but a holder's crash or loss concerns that one lock only. Settings
   * changed later on the builder apply to later acquisitions.
   *
   * @throws IllegalArgumentException when the name is invalid ({@link LockName})
   */
  static Lock withOwnLease(Session.Builder settings, String name) {
    return new OwnLeaseLock(settings, settings.namespace() + "mutex/" + LockName.check(name));
  }

  /** The etcd key that the holder writes. */
  String key();

  /**
   * Tries once, with one etcd transaction: {@code If(CreateRevision(key) == 0) Then(Put(key, owner,
   * lease)) Else(Get(key))}. Never waits for the holder; a try may overtake waiters. Blocks for one
   * request. If the answer does not come in time, the key is read back: one that carries this
   * session's lease and no {@link HeldLock} is adopted, so an unknown outcome never leaves a key
   * that nobody holds.
   *
   * @throws SessionLostException when the session is not alive
   * @throws EtcdUnavailableException when etcd does not answer in time (nothing is held then)
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
