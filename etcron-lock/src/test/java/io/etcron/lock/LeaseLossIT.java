package io.etcron.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import io.etcron.testing.EtcdExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A holder that can no longer renew its lease hears of the loss before etcd could give the lock to
 * anyone else. Each test gets its own etcd, since they pause, kill and restart members.
 */
class LeaseLossIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.cluster(3);

  private static final Duration TTL = Duration.ofSeconds(4);

  @Test
  void a_holder_cut_off_from_etcd_loses_the_lock_before_anyone_else_can_take_it() throws Exception {
    // The holder talks to member n1 only; its rival to n2 and n3, which keep a quorum.
    Client holderClient = client(0);
    Client rivalClient = client(1, 2);
    Session holderSession = Session.builder(holderClient).ttl(TTL).open();
    HeldLock held = Lock.on(holderSession, "cut-off").acquire(Duration.ofSeconds(5));
    AtomicLong lostAt = new AtomicLong();
    CompletableFuture<SessionEnd> lost =
        held.lost().whenComplete((e, t) -> lostAt.set(System.nanoTime()));
    try (Session rival = Session.builder(rivalClient).ttl(TTL).open()) {
      AtomicLong rivalAt = new AtomicLong();
      // Wait on the stage that records the time: get() on the acquire itself can return before a
      // dependent action has run.
      CompletableFuture<HeldLock> rivalWait =
          Lock.on(rival, "cut-off")
              .acquireAsync()
              .whenComplete((h, t) -> rivalAt.set(System.nanoTime()));

      long pausedAt = System.nanoTime();
      etcd.member(0).pause();

      SessionEnd end = lost.get(TTL.toSeconds() + 2, TimeUnit.SECONDS);
      assertThat(end.reason()).isEqualTo(SessionEnd.Reason.EXPIRED);
      assertThat(Duration.ofNanos(lostAt.get() - pausedAt)).isLessThan(TTL);
      assertThat(held.isHeld()).isFalse();

      HeldLock rivalHeld = rivalWait.get(TTL.toSeconds() * 3, TimeUnit.SECONDS);
      assertThat(rivalAt.get())
          .as("the rival acquires only after the holder heard of its loss")
          .isGreaterThan(lostAt.get());
      assertThat(rivalHeld.fencingToken()).isGreaterThan(held.fencingToken());
    } finally {
      etcd.member(0).resume();
    }
  }

  @Test
  void a_holder_whose_etcd_is_killed_loses_the_lock_before_its_ttl_and_cannot_acquire_again()
      throws Exception {
    Client client = client(0, 1, 2);
    Session session = Session.builder(client).ttl(TTL).open();
    HeldLock held = Lock.on(session, "killed").acquire(Duration.ofSeconds(5));

    long killedAt = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      etcd.member(i).kill();
    }
    SessionEnd end = held.lost().get(TTL.toSeconds() + 2, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(TTL);
    assertThat(end.isLoss()).isTrue();
    assertThat(session.isAlive()).isFalse();
    assertThatThrownBy(() -> Lock.on(session, "killed").tryAcquire())
        .isInstanceOf(SessionLostException.class);
    // done() completes right after the holders' lost(), on the keep-alive thread.
    assertThat(session.done()).succeedsWithin(Duration.ofSeconds(2));

    for (int i = 0; i < 3; i++) {
      etcd.member(i).launchAgain();
    }
  }

  @Test
  void a_released_lock_never_reports_a_loss() throws Exception {
    Session session = Session.builder(client(0, 1, 2)).ttl(TTL).open();
    HeldLock held = Lock.on(session, "released").acquire(Duration.ofSeconds(5));
    held.release();
    session.close();
    assertThat(session.done().get(1, TimeUnit.SECONDS).reason())
        .isEqualTo(SessionEnd.Reason.CLOSED);
    assertThat(held.lost()).isNotDone();
  }

  private Client client(int... members) {
    String[] urls = new String[members.length];
    for (int i = 0; i < members.length; i++) {
      urls[i] = etcd.member(members[i]).clientUrl();
    }
    return Client.builder().endpoints(urls).build();
  }
}
