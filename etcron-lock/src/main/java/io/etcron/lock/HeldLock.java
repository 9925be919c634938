package io.etcron.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lock we hold: a try-with-resources handle carrying its fencing token.
 *
 * <p>{@link #lost()} completes if the lock is lost before it is released (the session's lease
 * expired locally or was revoked, or the session was closed): whoever acts under the lock must stop
 * then. {@link #isHeld()} is never true after the lease could have expired. Thread-safe.
 */
public final class HeldLock implements AutoCloseable {
  private final Session session;
  private final String key;
  private final long fencingToken;
  private final boolean revokeOnRelease;
  private final AtomicBoolean released = new AtomicBoolean();
  private final CompletableFuture<SessionEnd> lost = new CompletableFuture<>();

  HeldLock(Session session, String key, long fencingToken, boolean revokeOnRelease) {
    this.session = session;
    this.key = key;
    this.fencingToken = fencingToken;
    this.revokeOnRelease = revokeOnRelease;
    session
        .done()
        .thenAccept(
            end -> {
              if (!released.get()) {
                lost.complete(end);
              }
            });
  }

  /** The etcd key we hold. */
  public String key() {
    return key;
  }

  /**
   * The fencing token: the key's create revision. It only grows across successive holders, so a
   * downstream system can reject a stale holder by remembering the largest token it has seen.
   */
  public long fencingToken() {
    return fencingToken;
  }

  /** The lease the key is attached to. */
  public long leaseId() {
    return session.leaseId();
  }

  /** Whether we still hold the lock: not released, and the session's deadline not passed. */
  public boolean isHeld() {
    return !released.get() && session.isAlive();
  }

  /** Completes, with why, if the lock is lost before being released; never after a release. */
  public CompletableFuture<SessionEnd> lost() {
    return lost.copy();
  }

  /**
   * Releases the lock: deletes the key if it is still ours ({@code If(CreateRevision(key) == token)
   * Then(Delete(key))}), or revokes the lease for a lock with its own lease. Idempotent; blocks for
   * one request. If etcd cannot be reached the key goes when the lease expires.
   *
   * @throws EtcdUnavailableException when etcd does not answer in time
   */
  public void release() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    if (revokeOnRelease) {
      session.close();
    } else if (session.isAlive()) {
      SessionLock.deleteIfOurs(session, key, fencingToken);
    }
  }

  /** Same as {@link #release()}. */
  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "HeldLock{" + key + ", token=" + fencingToken + ", held=" + isHeld() + "}";
  }
}
