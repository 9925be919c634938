package io.etcron.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A holder key put with a shared session's lease; released by deleting it (its name is this
 * acquisition's alone, see {@link SessionLock}). A member of its session from acquisition to
 * release only. Thread-safe.
 */
final class SessionHeldLock implements HeldLock, Session.Member {
  private final Session session;
  private final String key;
  private final long fencingToken;
  private final AtomicBoolean released = new AtomicBoolean();
  private final Signal<SessionEnd> lost = new Signal<>();

  SessionHeldLock(Session session, String key, long fencingToken) {
    this.session = session;
    this.key = key;
    this.fencingToken = fencingToken;
    session.join(this);
  }

  @Override
  public void sessionEnded(SessionEnd end) {
    if (!released.get()) {
      lost.fire(end);
    }
  }

  /** Whether this is the live holder of {@code key} created at {@code revision}. */
  boolean holds(String key, long revision) {
    return fencingToken == revision && this.key.equals(key) && !released.get();
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public long fencingToken() {
    return fencingToken;
  }

  @Override
  public long leaseId() {
    return session.leaseId();
  }

  @Override
  public boolean isHeld() {
    return !released.get() && session.isAlive();
  }

  @Override
  public CompletableFuture<SessionEnd> lost() {
    return lost;
  }

  /** Marks the lock released and leaves the session; true the first time only. */
  boolean markReleased() {
    if (!released.compareAndSet(false, true)) {
      return false;
    }
    session.leave(this);
    return true;
  }

  @Override
  public void release() {
    if (markReleased() && session.isAlive()) {
      Keys.delete(session, key);
    }
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "HeldLock{" + key + ", token=" + fencingToken + ", held=" + isHeld() + "}";
  }
}
