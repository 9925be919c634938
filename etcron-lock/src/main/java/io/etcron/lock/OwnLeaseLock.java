package io.etcron.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The classic recipe: each acquisition grants its own lease, keeps it alive, claims the key with
 * one transaction and revokes the lease on release. Costs a grant and a revoke more than a lock on
 * a shared {@link Session}; made by {@link Session.Builder#lockWithOwnLease(String)}.
 */
final class OwnLeaseLock implements Lock {
  private final Session.Builder settings;
  private final String key;

  OwnLeaseLock(Session.Builder settings, String name) {
    this.settings = settings;
    this.key = settings.namespace() + "mutex/" + LockName.check(name);
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public TryResult tryAcquire() {
    Session session = settings.open();
    try {
      TryResult result = new SessionLock(session, key, true).tryAcquire();
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
      return new SessionLock(session, key, true).acquire(timeout);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  @Override
  public CompletableFuture<HeldLock> acquireAsync() {
    Session session = settings.open();
    CompletableFuture<HeldLock> result = new SessionLock(session, key, true).acquireAsync();
    result.whenComplete(
        (held, error) -> {
          if (error != null) {
            session.close();
          }
        });
    return result;
  }
}
