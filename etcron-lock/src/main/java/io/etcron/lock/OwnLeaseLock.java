package io.etcron.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The classic recipe: each acquisition grants its own lease, keeps it alive, claims the key with
 * one transaction and revokes the lease on release. Costs a grant and a revoke more than a lock on
 * a shared {@link Session}; made by {@link Lock#withOwnLease}. Thread-safe.
 */
final class OwnLeaseLock implements Lock {
  private final Session.Builder settings;
  private final String key;

  OwnLeaseLock(Session.Builder settings, String key) {
    this.settings = settings;
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public TryResult tryAcquire() {
    Session session = settings.open();
    try {
      TryResult result =
          new SessionLock(session, key).tryAcquire(held -> new OwnLeaseHeldLock(session, held));
      if (!result.acquired()) {
        session.close();
      }
      return result;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  @Override
  public HeldLock acquire(Duration timeout) {
    Session session = settings.open();
    try {
      return new SessionLock(session, key)
          .acquire(timeout, held -> new OwnLeaseHeldLock(session, held));
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  @Override
  public CompletableFuture<HeldLock> acquireAsync() {
    Session session = settings.open();
    CompletableFuture<HeldLock> result =
        new SessionLock(session, key).acquireAsync(held -> new OwnLeaseHeldLock(session, held));
    result.whenComplete(
        (held, error) -> {
          if (error != null) {
            session.close();
          }
        });
    return result;
  }

  @Override
  public String toString() {
    return "Lock{" + key + ", own lease}";
  }
}
