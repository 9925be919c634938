package io.etcron.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcron.testing.EtcdExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A holder frozen for longer than its TTL minus the safety margin, but shorter than the TTL, hears
 * of its loss when it runs again, and nobody else gets the lock before etcd expires the lease by
 * itself: the margin is the time the holder has to stop what it does under the lock.
 */
class LossOrderIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  private static final long TTL_SECONDS = 8;
  private static final long MARGIN_SECONDS = 3;
  // The holder renews once a second, so etcd renewed the lease at most 1 s before the freeze.
  private static final Duration EARLIEST_EXPIRY = Duration.ofSeconds(TTL_SECONDS - 1);

  @Test
  void a_frozen_holder_past_its_deadline_keeps_the_lock_until_the_lease_expires_by_itself()
      throws Exception {
    try (ChildJvm holder =
            ChildJvm.start(
                LockProcess.class,
                etcd.endpoints(),
                "frozen",
                "" + TTL_SECONDS,
                "hold",
                "" + MARGIN_SECONDS);
        Session rival = Session.builder(etcd.client()).ttl(Duration.ofSeconds(5)).open()) {
      long token =
          Long.parseLong(holder.awaitLine("ACQUIRED", Duration.ofSeconds(30)).split(" ")[1]);
      CompletableFuture<Long> rivalAt =
          Lock.on(rival, "frozen").acquireAsync().thenApply(held -> System.nanoTime());

      holder.freeze();
      long frozenAt = System.nanoTime();
      // Past the holder's local deadline (TTL - margin = 5 s), before the earliest expiry (7 s).
      Duration frozenFor = Duration.ofMillis((TTL_SECONDS - MARGIN_SECONDS) * 1000 + 600);
      assertThatThrownBy(() -> rivalAt.get(frozenFor.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOf(TimeoutException.class);
      holder.thaw();

      long lostAt = Long.parseLong(holder.awaitLine("LOST", Duration.ofSeconds(5)).split(" ")[1]);
      long acquiredAt = rivalAt.get(TTL_SECONDS * 2, TimeUnit.SECONDS);

      assertThat(Duration.ofNanos(acquiredAt - frozenAt))
          .as("the rival waits for the lease to expire in etcd; the loss must not revoke it")
          .isGreaterThanOrEqualTo(EARLIEST_EXPIRY.minusMillis(200));
      assertThat(lostAt).as("the holder heard of its loss first").isLessThan(acquiredAt);
      assertThat(token).isPositive();
    }
  }
}
