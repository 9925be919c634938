package io.etcron.runlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.job.NotifyEvent;
import io.etcron.run.Delivery;
import io.etcron.run.Outbox;
import io.etcron.run.Run;
import io.etcron.run.RunEnd;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import io.etcron.run.RunStore;
import io.etcron.run.Trigger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every SQL outbox does, on H2 and on PostgreSQL. */
abstract class OutboxContract {
  static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  private RunStore store;
  private Outbox outbox;

  protected abstract RunStore newStore();

  @BeforeEach
  void open() {
    store = newStore();
    outbox = store.outbox().orElseThrow();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static RunId id(String job, int second) {
    return new RunId(job, T0.plusSeconds(second), Trigger.SCHEDULE);
  }

  private static Run running(RunId id) {
    return Run.running(id, "w1", 1, 1, id.fireTime());
  }

  private static Run ended(RunId id, RunState state) {
    return running(id)
        .finished(
            state,
            Optional.of(state == RunState.SUCCEEDED ? 0 : 1),
            Optional.empty(),
            "",
            "",
            0,
            id.fireTime().plusSeconds(1));
  }

  @Test
  void an_end_is_noted_with_its_run_once_and_a_running_or_skipped_run_is_not() {
    RunId a = id("j", 1);
    RunId b = id("j", 2);
    RunId c = id("j", 3);
    store.upsertAll(List.of(running(a), running(b)));
    assertThat(outbox.pendingEnds(10)).isEmpty();
    store.upsertAll(
        List.of(
            ended(a, RunState.FAILED),
            Run.skipped(c, "w1", 1, "busy", c.fireTime()),
            ended(a, RunState.FAILED)));
    store.upsert(ended(a, RunState.FAILED)); // sent again
    store.upsert(running(a)); // late, refused
    assertThat(store.markLost(b, "worker gone", T0.plusSeconds(9))).isTrue();
    assertThat(outbox.pendingEnds(10))
        .containsExactly(new RunEnd(a, 1, RunState.FAILED), new RunEnd(b, 1, RunState.LOST));
  }

  @Test
  void a_writer_that_knows_which_jobs_notify_notes_only_their_ends() {
    RunId quiet = id("quiet", 1);
    RunId loud = id("loud", 1);
    store.upsertAll(
        List.of(ended(quiet, RunState.FAILED), ended(loud, RunState.FAILED)),
        r -> r.job().equals("loud"));
    assertThat(outbox.pendingEnds(10)).extracting(RunEnd::id).containsExactly(loud);
  }

  @Test
  void enqueueing_is_idempotent_by_run_event_and_target_and_clears_the_ends() {
    RunId a = id("j", 1);
    store.upsert(ended(a, RunState.TIMED_OUT));
    List<RunEnd> ends = outbox.pendingEnds(10);
    Delivery d =
        Delivery.pending(new Delivery.Key(a, NotifyEvent.TIMED_OUT, "webhook:http://x/"), T0);
    assertThat(outbox.enqueue(ends, List.of(d))).isEqualTo(1);
    assertThat(outbox.pendingEnds(10)).isEmpty();
    assertThat(outbox.enqueue(ends, List.of(d))).isZero();
    store.upsert(ended(a, RunState.TIMED_OUT));
    assertThat(outbox.pendingEnds(10)).as("an end handled is not noted again").isEmpty();
    assertThat(outbox.of(a, 10)).containsExactly(d);
  }

  @Test
  void due_deliveries_move_through_their_attempts() {
    RunId a = id("j", 1);
    store.upsert(ended(a, RunState.FAILED));
    Delivery d = Delivery.pending(new Delivery.Key(a, NotifyEvent.FAILED, "email:o@x.org"), T0);
    outbox.enqueue(List.of(), List.of(d));
    assertThat(outbox.due(T0, 10)).containsExactly(d);
    Instant later = T0.plusSeconds(10);
    Delivery retry =
        new Delivery(
            d.key(),
            Delivery.Status.PENDING,
            1,
            Optional.of("HTTP 500"),
            later,
            T0,
            T0.plusSeconds(1));
    outbox.recordAttempt(retry);
    assertThat(outbox.due(T0.plusSeconds(5), 10)).isEmpty();
    assertThat(outbox.due(later, 10)).containsExactly(retry);
    Delivery done =
        new Delivery(d.key(), Delivery.Status.DELIVERED, 2, Optional.empty(), later, T0, later);
    outbox.recordAttempt(done);
    assertThat(outbox.due(later.plusSeconds(60), 10)).isEmpty();
    assertThat(outbox.of(a, 10)).containsExactly(done);
    outbox.recordAttempt(retry); // a second leader's stale outcome does not reopen it
    assertThat(outbox.of(a, 10)).containsExactly(done);
  }

  @Test
  void the_previous_finished_run_skips_runs_that_did_not_run() {
    RunId first = id("j", 1);
    RunId skipped = id("j", 2);
    RunId now = id("j", 3);
    store.upsertAll(
        List.of(
            ended(first, RunState.KILLED),
            Run.missed(skipped, "w1", 1, "late", skipped.fireTime()),
            ended(now, RunState.SUCCEEDED),
            ended(id("other", 2), RunState.SUCCEEDED)));
    assertThat(outbox.previousFinished(now)).contains(RunState.KILLED);
    assertThat(outbox.previousFinished(first)).isEmpty();
  }

  @Test
  void running_runs_are_paged_by_fire_time() {
    for (int i = 1; i <= 5; i++) {
      store.upsert(running(id("j", i)));
    }
    store.upsert(ended(id("j", 6), RunState.SUCCEEDED));
    List<Run> first = outbox.runningFiredBefore(T0.plusSeconds(5), Optional.empty(), 2);
    assertThat(first).extracting(Run::id).containsExactly(id("j", 1), id("j", 2));
    List<Run> next = outbox.runningFiredBefore(T0.plusSeconds(5), Optional.of(first.get(1)), 2);
    assertThat(next).extracting(Run::id).containsExactly(id("j", 3), id("j", 4));
  }
}
