package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.run.RunState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
  @Test
  void per_job_meters_are_bounded_and_the_rest_counted_together() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WorkerMetrics metrics = new WorkerMetrics(registry);
    int jobs = WorkerMetrics.MAX_JOB_METERS + 500;
    for (int i = 0; i < jobs; i++) {
      metrics.runEnded("j" + i, RunState.FAILED, Duration.ofMillis(10));
    }
    metrics.runEnded("j0", RunState.SUCCEEDED, Duration.ofMillis(10));

    assertThat(registry.find("etcron.run.duration").timers())
        .hasSize(WorkerMetrics.MAX_JOB_METERS + 1);
    assertThat(registry.get("etcron.run.duration").tag("job", "j0").timer().count()).isEqualTo(2);
    assertThat(
            registry
                .get("etcron.job.failures")
                .tag("job", WorkerMetrics.OTHER_JOBS)
                .counter()
                .count())
        .isEqualTo(500);
    assertThat(registry.get("etcron.job.failures").tag("job", "j0").counter().count()).isEqualTo(1);
  }
}
