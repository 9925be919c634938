package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.job.JobName;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.store.Keys;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker asked to stop drains: no new claims, runs killed at the bound, locks and lease given
 * back.
 */
class DrainIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  @Test
  void a_draining_worker_kills_what_outlives_the_bound_and_hands_over_at_once() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      Worker leaving = h.start("leaving", b -> b.drainTimeout(Duration.ofSeconds(1)));
      h.put(WorkerHarness.spec("long", "@every 1h", "sleep 300"));
      h.jobs.trigger(JobName.of("long"), "test");
      await()
          .atMost(Timing.seconds(20))
          .until(() -> h.runsOf("long").stream().anyMatch(r -> r.state() == RunState.RUNNING));
      assertThat(keys("/etcron/locks/long")).isEqualTo(1);

      long start = System.nanoTime();
      leaving.close();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      Run run = h.runsOf("long").get(0);
      assertThat(run.state()).isEqualTo(RunState.KILLED);
      assertThat(run.reason()).contains("drained");
      assertThat(took)
          .as("bounded by the drain timeout plus the kill grace")
          .isLessThan(Duration.ofSeconds(10));
      assertThat(keys("/etcron/locks/long")).as("lock released").isZero();
      assertThat(keys("/etcron/workers/leaving"))
          .as("lease revoked: registration gone at once")
          .isZero();

      Worker staying = h.start("staying");
      h.jobs.trigger(JobName.of("long"), "test");
      await()
          .atMost(Timing.seconds(10))
          .until(
              () ->
                  h.runsOf("long").stream()
                      .anyMatch(
                          r -> r.state() == RunState.RUNNING && r.worker().equals("staying")));
      staying.close();
    }
  }

  private long keys(String key) throws Exception {
    return etcd.client().getKVClient().get(Keys.bytes(key)).get(5, TimeUnit.SECONDS).getCount();
  }
}
