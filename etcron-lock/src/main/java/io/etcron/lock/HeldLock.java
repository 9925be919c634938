package io.etcron.lock;

import java.util.concurrent.CompletableFuture;

/**
 * A lock we hold: a try-with-resources handle carrying its fencing token. Thread-safe.
 *
 * <p>{@link #lost()} completes if the lock is lost before it is released: the session's local
 * deadline passed (before etcd could expire the lease and give the key to anyone else), etcd said
 * the lease is gone, or the session was closed or orphaned. Whoever acts under the lock must stop
 * then; the callbacks chained on {@link #lost()} run before {@link Session#done()} completes, and
 * nothing revokes the lease while they run. {@link #isHeld()} is never true after the lease could
 * have expired.
 */
public interface HeldLock extends AutoCloseable {

  /** The etcd key we hold. */
  String key();

  /**
   * The fencing token: the key's create revision. It only grows across successive holders, so a
   * downstream system can reject a stale holder by remembering the largest token it has seen.
   */
  long fencingToken();

  /** The lease the key is attached to. */
  long leaseId();

  /** Whether we still hold the lock: not released, and the session's deadline not passed. */
  boolean isHeld();

  /**
   * Completes, with why, if the lock is lost before being released; never after a release. The
   * future cannot be completed or cancelled by callers.
   */
  CompletableFuture<SessionEnd> lost();

  /**
   * Releases the lock: deletes the key if it is still ours, or revokes the lease of a lock that has
   * its own. Idempotent; blocks for one request. If etcd cannot be reached the key goes when the
   * lease expires.
   *
   * @throws EtcdUnavailableException when etcd does not answer in time
   */
  void release();

  /** Same as {@link #release()}. */
  @Override
  void close();
}
