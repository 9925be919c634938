package io.etcron.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ElectionIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  @Test
  void the_first_candidate_leads_and_a_resignation_hands_over_to_the_next() throws Exception {
    try (Session a = Session.builder(etcd.client()).ttl(Duration.ofSeconds(5)).open();
        Session b = Session.builder(etcd.client()).ttl(Duration.ofSeconds(5)).open()) {
      List<Optional<Leader>> seen = new CopyOnWriteArrayList<>();
      try (Subscription observing = Election.on(b, "handover").observe(seen::add)) {
        HeldLock leaderA = Election.on(a, "handover").campaign("a", Duration.ofSeconds(5));
        var campaignB =
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> Election.on(b, "handover").campaign("b", Duration.ofSeconds(10)));
        await()
            .atMost(Timing.seconds(5))
            .until(
                () ->
                    seen.contains(
                        Optional.of(new Leader("a", leaderA.fencingToken(), a.leaseId()))));
        assertThat(campaignB).isNotDone();

        leaderA.close();

        HeldLock leaderB = campaignB.get();
        assertThat(leaderB.fencingToken()).isGreaterThan(leaderA.fencingToken());
        assertThat(Election.on(b, "handover").leader().orElseThrow().value()).isEqualTo("b");
        await()
            .atMost(Timing.seconds(5))
            .until(() -> seen.get(seen.size() - 1).map(Leader::value).equals(Optional.of("b")));
      }
    }
  }

  @Test
  void a_campaign_that_times_out_withdraws_its_candidacy() {
    try (Session a = Session.open(etcd.client());
        Session b = Session.open(etcd.client())) {
      Election.on(a, "timeout").campaign("a", Duration.ofSeconds(5));

      assertThatThrownBy(() -> Election.on(b, "timeout").campaign("b", Duration.ofMillis(300)))
          .isInstanceOf(NotElectedException.class)
          .hasMessageContaining("the leader is a");

      a.close();
      assertThat(Election.on(b, "timeout").leader()).isEmpty();
    }
  }
}
