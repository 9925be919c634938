package io.etcron.claim;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.job.Job;
import io.etcron.job.JobSpecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How a claim splits its fires into rounds, pure logic: etcd refuses two writes of one key in a
 * transaction, so no round may hold two fires of a job, and a job's fires must be claimed in time
 * order (its cursor only moves forward).
 */
class ClaimRoundsTest {
  private static final Instant T = Instant.parse("2026-12-01T12:00:00Z");

  private static Job job(String name) {
    return Job.from(JobSpecs.of(name, "@every 1s", "true").build(), Instant.EPOCH);
  }

  private static Fire fire(Job job, int second) {
    return Fire.scheduled(job, 1, T.plusSeconds(second), Optional.empty());
  }

  @Test
  void fires_of_different_jobs_share_one_round() {
    List<Fire> fires = List.of(fire(job("a"), 0), fire(job("b"), 0), fire(job("c"), 1));
    assertThat(Claimer.rounds(fires)).hasSize(1);
    assertThat(Claimer.rounds(fires).get(0)).containsExactlyInAnyOrderElementsOf(fires);
  }

  @Test
  void the_kth_fire_of_a_job_goes_to_round_k_in_time_order() {
    Job a = job("a");
    Job b = job("b");
    List<Fire> fires = List.of(fire(a, 2), fire(b, 5), fire(a, 0), fire(a, 1));
    List<List<Fire>> rounds = Claimer.rounds(fires);
    assertThat(rounds).hasSize(3);
    assertThat(rounds.get(0)).containsExactlyInAnyOrder(fire(a, 0), fire(b, 5));
    assertThat(rounds.get(1)).containsExactly(fire(a, 1));
    assertThat(rounds.get(2)).containsExactly(fire(a, 2));
  }

  @Test
  void no_round_holds_a_job_twice_and_no_fire_is_dropped_or_reordered() {
    Random random = new Random(42);
    List<Job> jobs = new ArrayList<>();
    for (int j = 0; j < 20; j++) {
      jobs.add(job("j" + j));
    }
    for (int trial = 0; trial < 200; trial++) {
      List<Fire> fires = new ArrayList<>();
      for (Job j : jobs) {
        int n = random.nextInt(5);
        for (int s = 0; s < n; s++) {
          fires.add(fire(j, s * 10 + random.nextInt(10)));
        }
      }
      Collections.shuffle(fires, random);
      List<List<Fire>> rounds = Claimer.rounds(fires);

      assertThat(rounds.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(fires);
      for (List<Fire> round : rounds) {
        Set<String> names = new HashSet<>();
        assertThat(round).allMatch(f -> names.add(f.jobName()));
        assertThat(round).isNotEmpty();
      }
      for (Job j : jobs) {
        List<Instant> order =
            rounds.stream()
                .flatMap(List::stream)
                .filter(f -> f.jobName().equals(j.name().value()))
                .map(Fire::time)
                .toList();
        assertThat(order).isSorted();
      }
    }
  }
}
