package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.claim.Claim;
import io.etcron.claim.Fire;
import io.etcron.job.Job;
import io.etcron.job.JobSpecs;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the owner of a claim runs and records, per misfire policy: pure logic. */
class MisfirePlanTest {
  private static final Instant T = Instant.parse("2026-12-01T12:00:10Z");

  /** A job {@code @every 1s} with the given policy, catch-up bound and starting deadline. */
  private static Job job(String misfire, Integer maxCatchUp, String startingDeadline) {
    return Job.from(
        JobSpecs.of("j", "@every 1s", "true")
            .misfire(misfire)
            .maxCatchUp(maxCatchUp)
            .startingDeadline(startingDeadline)
            .build(),
        Instant.EPOCH);
  }

  /** A claim of the fire at {@code T} whose cursor was at {@code T - gap} seconds. */
  private static Claim claim(Job job, int gap, Optional<String> busyWith) {
    return new Claim(
        Fire.scheduled(job, 1, T, Optional.of(T.minusSeconds(1))),
        Claim.Outcome.OWNED,
        7,
        Optional.of(T.minusSeconds(gap)),
        busyWith);
  }

  private static List<Instant> times(List<Fire> fires) {
    return fires.stream().map(Fire::time).toList();
  }

  private static List<Instant> missedTimes(MisfirePlan p) {
    return p.missed().stream().map(m -> m.fire().time()).toList();
  }

  @Test
  void an_in_order_claim_runs_its_fire_and_misses_nothing() {
    MisfirePlan p = MisfirePlan.of(claim(job("once", null, null), 1, Optional.empty()), T);
    assertThat(times(p.run())).containsExactly(T);
    assertThat(p.missed()).isEmpty();
    assertThat(p.skipped()).isEmpty();
  }

  @Test
  void once_runs_the_latest_fire_and_records_the_gap_missed_in_order() {
    MisfirePlan p = MisfirePlan.of(claim(job("once", null, null), 4, Optional.empty()), T);
    assertThat(times(p.run())).containsExactly(T);
    assertThat(missedTimes(p))
        .containsExactly(T.minusSeconds(3), T.minusSeconds(2), T.minusSeconds(1));
    assertThat(p.missed()).allMatch(m -> m.reason().contains("a later fire ran instead"));
  }

  @Test
  void all_runs_up_to_max_catch_up_of_the_newest_fires_and_misses_the_older() {
    MisfirePlan p = MisfirePlan.of(claim(job("all", 2, null), 5, Optional.empty()), T);
    assertThat(times(p.run())).containsExactly(T.minusSeconds(1), T);
    assertThat(missedTimes(p))
        .containsExactly(T.minusSeconds(4), T.minusSeconds(3), T.minusSeconds(2));
    assertThat(p.missed()).allMatch(m -> m.reason().contains("beyond maxCatchUp 2"));
  }

  @Test
  void skip_misses_a_fire_claimed_later_than_its_bound() {
    Job job = job("skip", null, null);
    MisfirePlan onTime = MisfirePlan.of(claim(job, 1, Optional.empty()), T.plusSeconds(1));
    assertThat(times(onTime.run())).containsExactly(T);
    MisfirePlan late =
        MisfirePlan.of(
            claim(job, 1, Optional.empty()), T.plus(MisfirePlan.SKIP_LATENESS).plusSeconds(1));
    assertThat(late.run()).isEmpty();
    assertThat(missedTimes(late)).containsExactly(T);
  }

  @Test
  void fires_older_than_the_starting_deadline_are_missed_instead_of_run() {
    MisfirePlan p =
        MisfirePlan.of(claim(job("all", 10, "2s"), 5, Optional.empty()), T.plusSeconds(1));
    assertThat(times(p.run())).containsExactly(T.minusSeconds(1), T);
    assertThat(missedTimes(p))
        .containsExactly(T.minusSeconds(4), T.minusSeconds(3), T.minusSeconds(2));
  }

  @Test
  void a_fire_whose_job_is_still_busy_is_skipped_and_its_gap_missed() {
    MisfirePlan p = MisfirePlan.of(claim(job("once", null, null), 3, Optional.of("j@1")), T);
    assertThat(p.run()).isEmpty();
    assertThat(p.skipped().map(Fire::time)).contains(T);
    assertThat(missedTimes(p)).containsExactly(T.minusSeconds(2), T.minusSeconds(1));
  }

  @Test
  void fires_on_excluded_days_are_skipped_not_run_nor_missed_but_a_manual_run_runs() {
    Job job =
        Job.from(
            JobSpecs.of("j", "@every 1s", "true").exclude("2026-12-01").build(), Instant.EPOCH);
    MisfirePlan p = MisfirePlan.of(claim(job, 3, Optional.empty()), T);
    assertThat(p.run()).isEmpty();
    assertThat(p.missed()).isEmpty();
    assertThat(p.excluded()).hasSize(3);
    assertThat(p.excluded().get(0).reason()).contains("2026-12-01 is an excluded day");

    Fire manual = Fire.manual(job, 1, T, "/etcron/triggers/j/1", java.util.Map.of());
    MisfirePlan m =
        MisfirePlan.of(
            new Claim(manual, Claim.Outcome.OWNED, 7, Optional.empty(), Optional.empty()), T);
    assertThat(times(m.run())).containsExactly(T);
    assertThat(m.excluded()).isEmpty();

    Job other =
        Job.from(
            JobSpecs.of("j", "@every 1s", "true").exclude("2026-12-02..2026-12-31").build(),
            Instant.EPOCH);
    assertThat(times(MisfirePlan.of(claim(other, 1, Optional.empty()), T).run()))
        .containsExactly(T);
  }
}
