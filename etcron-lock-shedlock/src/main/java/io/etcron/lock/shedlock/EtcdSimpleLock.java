package io.etcron.lock.shedlock;

import io.etcron.lock.Session;
import java.time.Duration;
import java.util.Optional;
import net.javacrumbs.shedlock.core.AbstractSimpleLock;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;

/** A held ShedLock lock: a key on a lease that nobody renews. Not thread-safe (ShedLock's use). */
final class EtcdSimpleLock extends AbstractSimpleLock {
  private final Leases leases;
  private final String key;
  private final long token;
  private final long lease;

  EtcdSimpleLock(LockConfiguration config, Leases leases, String key, long token, Session session) {
    this(config, leases, key, token, session.leaseId());
  }

  private EtcdSimpleLock(
      LockConfiguration config, Leases leases, String key, long token, long lease) {
    super(config);
    this.leases = leases;
    this.key = key;
    this.token = token;
    this.lease = lease;
  }

  @Override
  protected void doUnlock() {
    Duration left = Duration.between(ClockProvider.now(), lockConfiguration.getLockAtLeastUntil());
    if (!left.isNegative() && !left.isZero()) {
      // Keep the key until lockAtLeastFor has passed, on a lease of just that long.
      leases.moveTo(key, token, Leases.ttl(left, Duration.ofSeconds(1)));
    }
    leases.revoke(lease);
  }

  @Override
  protected Optional<SimpleLock> doExtend(LockConfiguration newConfig) {
    long next =
        leases.moveTo(key, token, Leases.ttl(newConfig.getLockAtMostFor(), Session.MIN_TTL));
    if (next == 0) {
      return Optional.empty(); // expired, and perhaps taken by someone else
    }
    leases.revoke(lease);
    return Optional.of(new EtcdSimpleLock(newConfig, leases, key, token, next));
  }

  @Override
  public String toString() {
    return "EtcdSimpleLock{"
        + key
        + ", token="
        + token
        + ", lease="
        + Long.toHexString(lease)
        + "}";
  }
}
