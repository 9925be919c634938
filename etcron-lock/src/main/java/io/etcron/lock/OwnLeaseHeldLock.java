package io.etcron.lock;

import java.util.concurrent.CompletableFuture;

/** A key held with a lease of its own; released by revoking that lease. Thread-safe. */
final class OwnLeaseHeldLock implements HeldLock {
  private final Session session;
  private final SessionHeldLock held;

  OwnLeaseHeldLock(Session session, SessionHeldLock held) {
    this.session = session;
    this.held = held;
  }

  @Override
  public String key() {
    return held.key();
  }

  @Override
  public long fencingToken() {
    return held.fencingToken();
  }

  @Override
  public long leaseId() {
    return session.leaseId();
  }

  @Override
  public boolean isHeld() {
    return held.isHeld();
  }

  @Override
  public CompletableFuture<SessionEnd> lost() {
    return held.lost();
  }

  /** Revokes the lease, which deletes the key in the same step. */
  @Override
  public void release() {
    if (held.markReleased()) {
      session.close();
    }
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "HeldLock{"
        + key()
        + ", token="
        + fencingToken()
        + ", own lease, held="
        + isHeld()
        + "}";
  }
}
