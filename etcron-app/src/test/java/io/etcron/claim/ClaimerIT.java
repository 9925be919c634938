package io.etcron.claim;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.job.JobSpecs;
import io.etcron.job.JobStore;
import io.etcron.store.EtcdJobStore;
import io.etcron.store.Keys;
import io.etcron.testing.EtcdExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Claim rounds against an etcd that limits the operations of one transaction. */
class ClaimerIT {
  @RegisterExtension
  final EtcdExtension etcd = EtcdExtension.singleNode().with(b -> b.maxTxnOps(16));

  @Test
  void a_batch_refused_for_its_size_is_split_and_every_fire_is_claimed() throws Exception {
    Keys keys = Keys.of("/etcron/");
    EtcdJobStore store =
        new EtcdJobStore(etcd.client(), keys, Duration.ofSeconds(5), Clock.systemUTC());
    Instant t = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
    List<Fire> fires = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      JobStore.Versioned v =
          store
              .put(JobSpecs.job("batch-" + i, "@every 1h", "true"), JobStore.ANY_VERSION, "test")
              .job();
      fires.add(Fire.catchUp(v.job(), v.version(), t));
    }
    long lease = etcd.client().getLeaseClient().grant(60).get(5, TimeUnit.SECONDS).getID();
    Claimer claimer =
        new Claimer(etcd.client(), keys, Duration.ofSeconds(5), Clock.systemUTC(), 64);

    List<Claim> claims = claimer.claim(fires, "w", lease);

    assertThat(claims).hasSize(40).allMatch(c -> c.outcome() == Claim.Outcome.OWNED);
    assertThat(claimer.batchSize()).as("the batch shrank to what etcd takes").isLessThan(64);
  }
}
