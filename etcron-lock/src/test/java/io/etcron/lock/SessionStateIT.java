package io.etcron.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.TcpProxy;
import io.etcron.testing.Timing;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The states between healthy and lost: at risk and back, orphaned and resumed. */
class SessionStateIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  @Test
  void a_session_whose_keep_alives_go_unanswered_is_at_risk_then_healthy_again() throws Exception {
    int port = URI.create(etcd.clientUrls().get(0)).getPort();
    try (TcpProxy proxy = TcpProxy.to(port);
        Client client = Client.builder().endpoints(proxy.url()).build();
        Session session =
            Session.builder(client).ttl(Duration.ofSeconds(6)).atRiskBelow(0.4).open()) {
      assertThat(session.isAtRisk()).isFalse();
      assertThat(session.atRisk()).isNotDone();
      assertThat(Duration.ofNanos(session.deadlineNanos() - System.nanoTime()))
          .as("the deadline on the shared monotonic clock")
          .isPositive()
          .isLessThan(session.ttl());

      proxy.holdAnswers();
      Duration left = session.atRisk().get(5, TimeUnit.SECONDS);

      assertThat(left).isPositive().isLessThanOrEqualTo(Duration.ofMillis(2400));
      assertThat(session.isAtRisk()).isTrue();
      assertThat(session.isAlive()).as("at risk is not lost").isTrue();

      proxy.pass();
      await().atMost(Timing.seconds(3)).until(() -> !session.isAtRisk());
      assertThat(session.atRisk()).as("a new episode, pending").isNotDone();
      assertThat(session.isAlive()).isTrue();
      assertThat(session.done()).isNotDone();
    }
  }

  @Test
  void an_orphaned_session_leaves_its_keys_to_a_session_that_resumes_the_lease() throws Exception {
    Session first = Session.builder(etcd.client()).ttl(Duration.ofSeconds(10)).open();
    HeldLock held = Lock.on(first, "orphan").tryAcquire().lock().orElseThrow();

    first.orphan();

    assertThat(first.done().get(1, TimeUnit.SECONDS).reason())
        .isEqualTo(SessionEnd.Reason.ORPHANED);
    assertThat(held.lost()).isCompleted();
    assertThat(held.isHeld()).isFalse();
    assertThat(keyExists(held.key())).as("orphaning revokes nothing").isTrue();

    try (Session resumed = Session.builder(etcd.client()).lease(first.leaseId()).open()) {
      assertThat(resumed.leaseId()).isEqualTo(first.leaseId());
      assertThat(resumed.isAlive()).isTrue();
      assertThat(Lock.on(resumed, "orphan").tryAcquire().holder().orElseThrow().leaseId())
          .isEqualTo(first.leaseId());
    }
    assertThat(keyExists(held.key())).as("closing the resumed session revokes").isFalse();
  }

  @Test
  void the_futures_a_session_hands_out_cannot_be_completed_by_callers() throws Exception {
    try (Session session = Session.open(etcd.client())) {
      assertThat(session.done()).isSameAs(session.done());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> session.done().complete(new SessionEnd(SessionEnd.Reason.CLOSED, "no")))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(session.done().orTimeout(10, TimeUnit.MILLISECONDS))
          .failsWithin(Duration.ofSeconds(1));
      assertThat(session.done()).isNotDone();
    }
  }

  private static boolean keyExists(String key) throws Exception {
    return etcd.client().getKVClient().get(Etcd.bytes(key)).get(5, TimeUnit.SECONDS).getCount() > 0;
  }
}
