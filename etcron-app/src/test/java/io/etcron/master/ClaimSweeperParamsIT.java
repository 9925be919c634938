package io.etcron.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.claim.Claim;
import io.etcron.claim.Claimer;
import io.etcron.claim.Fire;
import io.etcron.job.JobName;
import io.etcron.job.JobSpecs;
import io.etcron.job.JobStore;
import io.etcron.run.InMemoryRunStore;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import io.etcron.store.EtcdJobStore;
import io.etcron.store.Keys;
import io.etcron.testing.EtcdExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A manual run whose claimer died before storing its first record: the claim evidence, written in
 * the claim transaction that deleted the request, carries its parameters into the LOST record.
 */
class ClaimSweeperParamsIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  @Test
  void a_manual_run_lost_between_claim_and_first_record_keeps_its_parameters() throws Exception {
    Keys keys = Keys.of("/etcron/");
    EtcdJobStore jobs =
        new EtcdJobStore(etcd.client(), keys, Duration.ofSeconds(5), Clock.systemUTC());
    JobStore.Versioned v =
        jobs.put(JobSpecs.job("lost", "@every 1h", "true"), JobStore.ANY_VERSION, "test").job();
    String id = jobs.trigger(JobName.of("lost"), Map.of("WHY", "claimed, then gone"), "test");
    RunId runId = RunId.parse(id);
    String requestKey = keys.trigger("lost", runId.fireTime().toEpochMilli());
    long lease = etcd.client().getLeaseClient().grant(60).get(5, TimeUnit.SECONDS).getID();
    Claimer claimer = new Claimer(etcd.client(), keys, Duration.ofSeconds(5), Clock.systemUTC(), 8);
    Fire fire =
        Fire.manual(
            v.job(),
            v.version(),
            runId.fireTime(),
            requestKey,
            Map.of("WHY", "claimed, then gone"));

    List<Claim> claims = claimer.claim(List.of(fire), "w-gone", lease);
    assertThat(claims).singleElement().matches(Claim::owned);
    // The claimer dies: its lease ends before it stored anything.
    etcd.client().getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);
    InMemoryRunStore runs = new InMemoryRunStore();
    new ClaimSweeper(etcd.client(), keys, runs, Clock.systemUTC(), Duration.ofSeconds(5)).sweep();

    Run lost = runs.get(runId).orElseThrow();
    assertThat(lost.state()).isEqualTo(RunState.LOST);
    assertThat(lost.params()).isEqualTo(Map.of("WHY", "claimed, then gone"));
    // The request is gone with the claim: nobody runs it again.
    long other = etcd.client().getLeaseClient().grant(60).get(5, TimeUnit.SECONDS).getID();
    assertThat(claimer.claim(List.of(fire), "w-other", other))
        .singleElement()
        .extracting(Claim::outcome)
        .isEqualTo(Claim.Outcome.TAKEN);
  }
}
