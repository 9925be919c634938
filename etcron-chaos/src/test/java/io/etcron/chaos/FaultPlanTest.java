package io.etcron.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
  static final Duration TTL = Duration.ofSeconds(5);

  @Test
  void the_same_seed_gives_the_same_plan_and_another_seed_another() {
    Duration phase = Duration.ofMinutes(5);
    assertThat(FaultPlan.of(1, phase, TTL, 3, 2, 3))
        .isEqualTo(FaultPlan.of(1, phase, TTL, 3, 2, 3));
    assertThat(FaultPlan.of(1, phase, TTL, 3, 2, 3))
        .isNotEqualTo(FaultPlan.of(2, phase, TTL, 3, 2, 3));
  }

  @Test
  void a_short_phase_holds_every_kind_one_at_a_time_inside_the_phase() {
    for (long seed = 1; seed <= 20; seed++) {
      Duration phase = Duration.ofSeconds(85);
      List<Fault> plan = FaultPlan.of(seed, phase, TTL, 3, 2, 3);

      EnumSet<Fault.Kind> kinds = EnumSet.noneOf(Fault.Kind.class);
      plan.forEach(f -> kinds.add(f.kind()));
      assertThat(kinds)
          .as("seed %d: %s", seed, plan)
          .containsExactlyInAnyOrder(Fault.Kind.values());
      for (int i = 1; i < plan.size(); i++) {
        assertThat(plan.get(i).at()).isGreaterThan(plan.get(i - 1).end());
      }
      assertThat(plan.get(plan.size() - 1).end()).isLessThanOrEqualTo(phase);
    }
  }

  @Test
  void worker_faults_last_beyond_the_ttl_and_the_quorum_loss_about_ten_seconds() {
    for (Fault f : FaultPlan.of(3, Duration.ofMinutes(10), TTL, 3, 2, 3)) {
      switch (f.kind()) {
        case WORKER_KILL, WORKER_STOP -> assertThat(f.length()).isGreaterThan(TTL);
        case QUORUM_LOSS ->
            assertThat(f.length()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11));
        default -> assertThat(f.length()).isLessThanOrEqualTo(Duration.ofSeconds(13));
      }
      assertThat(f.target()).isBetween(0, 2);
    }
  }
}
