package io.etcron.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChaosJobTest {

  @Test
  void the_mix_has_every_policy_timeouts_retries_and_slow_jobs() {
    List<ChaosJob> mix = ChaosJob.mix(new Random(1));

    assertThat(mix.stream().map(ChaosJob::concurrency).collect(Collectors.toSet()))
        .isEqualTo(Set.of("forbid", "allow", "replace"));
    assertThat(mix).anyMatch(j -> j.timeout().isPresent() && j.concurrency().equals("forbid"));
    assertThat(mix).anyMatch(j -> j.retries() > 0 && j.failingAttempts() > 0);
    assertThat(mix).anyMatch(j -> j.periodSeconds() > 1 && j.runSeconds() > j.periodSeconds());
    assertThat(mix.stream().filter(j -> j.periodSeconds() == 1).count()).isGreaterThanOrEqualTo(10);
    assertThat(mix.stream().map(ChaosJob::name).distinct().count()).isEqualTo(mix.size());
  }

  @Test
  void the_spec_runs_the_logging_command_with_the_job_s_length_and_failures() {
    ChaosJob job = new ChaosJob("allow-retry", "allow", 3, 0.5, java.util.Optional.of("1s"), 2, 1);

    Map<String, Object> spec = job.spec(Path.of("/d/command.sh"), Path.of("/d/commands.log"));

    assertThat(spec)
        .containsEntry("command", "exec /bin/bash '/d/command.sh' '/d/commands.log' 0.5 1")
        .containsEntry("schedule", "@every 3s")
        .containsEntry("concurrency", "allow")
        .containsEntry("timeout", "1s")
        .containsEntry("retries", 2)
        .containsEntry("retryBackoff", "1s");
  }
}
