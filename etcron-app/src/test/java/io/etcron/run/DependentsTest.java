package io.etcron.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcron.job.Job;
import io.etcron.job.JobSpecs;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DependentsTest {
  private static final Instant T = Instant.ofEpochMilli(1_764_000_000_000L);

  private static Job child(String name, String on, String... parents) {
    return Job.from(JobSpecs.of(name, "", "true").after(on, parents).build(), T);
  }

  @Test
  void a_run_id_names_its_parents_run_and_reads_back() {
    RunId a = new RunId("extract", T, Trigger.SCHEDULE);
    RunId b = RunId.after("load", T.plusMillis(5), a);
    RunId c = RunId.after("report", T.plusMillis(9), b);
    assertThat(c.toString())
        .isEqualTo("report@1764000000009~after~load@1764000000005~after~extract@1764000000000");
    assertThat(RunId.parse(c.toString())).isEqualTo(c);
    assertThat(c.parentId()).contains(b);
    assertThat(c.depth()).isEqualTo(3);
    assertThat(c.descendsFrom("extract")).isTrue();
    assertThat(c.descendsFrom("other")).isFalse();
    assertThat(RunId.parse("x@1~after~y@2~manual").parentId().orElseThrow().trigger())
        .isEqualTo(Trigger.MANUAL);
    assertThatThrownBy(() -> RunId.parse("x@1~after~not-a-run")).hasMessageContaining("run id");
    RunId shard = RunId.parse("everywhere@1764000000000#2~after~extract@1764000000000#1");
    assertThat(shard.shard()).isEqualTo(2);
    assertThat(shard.parentId().orElseThrow().shard()).isEqualTo(1);
    assertThat(shard.toString())
        .isEqualTo("everywhere@1764000000000#2~after~extract@1764000000000#1");
    assertThat(shard.base().toString())
        .isEqualTo("everywhere@1764000000000~after~extract@1764000000000#1");
    assertThatThrownBy(() -> RunId.parse("x@1~after~" + "y".repeat(1000) + "@1"))
        .hasMessageContaining("is not a run id");
  }

  @Test
  void a_parents_end_fires_the_children_whose_on_matches() {
    Dependents d = new Dependents();
    d.upsert(child("on-ok", "success", "p"));
    d.upsert(child("on-bad", "failure", "p"));
    d.upsert(child("on-any", "always", "p", "q"));
    d.upsert(child("paused", "always", "p").withPaused(true));
    RunId p = new RunId("p", T, Trigger.SCHEDULE);
    assertThat(d.fired(p, RunState.SUCCEEDED)).containsExactly("on-any", "on-ok");
    assertThat(d.fired(p, RunState.FAILED)).containsExactly("on-any", "on-bad");
    assertThat(d.fired(p, RunState.LOST)).containsExactly("on-any", "on-bad");
    assertThat(d.fired(p, RunState.KILLED)).containsExactly("on-any");
    assertThat(d.fired(p, RunState.SKIPPED)).isEmpty();
    assertThat(d.fired(p, RunState.RUNNING)).isEmpty();

    d.upsert(child("on-any", "always", "q")); // edited: no longer after p
    d.remove("on-ok");
    assertThat(d.fired(p, RunState.SUCCEEDED)).isEmpty();
    assertThat(d.fired(new RunId("q", T, Trigger.MANUAL), RunState.SUCCEEDED))
        .containsExactly("on-any");
  }

  @Test
  void a_cycle_that_slipped_past_the_api_never_loops_and_chains_stop_at_the_limit() {
    Dependents d = new Dependents();
    d.upsert(child("a", "always", "b"));
    d.upsert(child("b", "always", "a"));
    RunId a = new RunId("a", T, Trigger.SCHEDULE);
    RunId b = RunId.after("b", T, a);
    assertThat(d.fired(a, RunState.SUCCEEDED)).containsExactly("b");
    assertThat(d.fired(b, RunState.SUCCEEDED)).as("a is already in b's chain").isEmpty();

    d.upsert(child("next", "always", "next-parent"));
    RunId deep = new RunId("root", T, Trigger.SCHEDULE);
    for (int i = 1; i < io.etcron.job.After.MAX_DEPTH; i++) {
      deep = RunId.after(i == io.etcron.job.After.MAX_DEPTH - 1 ? "next-parent" : "j" + i, T, deep);
    }
    assertThat(deep.depth()).isEqualTo(io.etcron.job.After.MAX_DEPTH);
    assertThat(d.fired(deep, RunState.SUCCEEDED)).as("a seventh job is not fired").isEmpty();
  }
}
