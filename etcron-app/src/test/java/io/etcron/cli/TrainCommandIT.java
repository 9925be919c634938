package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The launcher's training run for the class archive (./etcron makes it once per build) works where
 * etcd is installed: it starts a local etcd, a master and a worker, fires jobs and stops cleanly.
 */
class TrainCommandIT {
  @Test
  void the_training_run_fires_jobs_and_exits_cleanly() throws Exception {
    CliProcess.Result r = CliProcess.run(Duration.ofSeconds(90), Map.of(), "train-class-archive");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).doesNotContain("ERROR").doesNotContain("Exception");
  }
}
