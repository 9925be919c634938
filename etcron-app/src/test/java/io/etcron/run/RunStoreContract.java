package io.etcron.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link RunStore} has; each implementation runs it. */
public abstract class RunStoreContract {
  private static final AtomicInteger JOBS = new AtomicInteger();
  protected static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  protected RunStore store;
  protected String job;

  protected abstract RunStore newStore();

  @BeforeEach
  void open() {
    store = newStore();
    job = "job-" + JOBS.incrementAndGet();
  }

  @AfterEach
  void close() {
    store.close();
  }

  protected RunId id(int second) {
    return new RunId(job, T0.plusSeconds(second), Trigger.SCHEDULE);
  }

  protected Run running(int second) {
    return Run.running(id(second), "w1", 100 + second, 1, T0.plusSeconds(second));
  }

  protected Run succeeded(int second) {
    return running(second)
        .finished(
            RunState.SUCCEEDED,
            Optional.of(0),
            Optional.empty(),
            "",
            "ok\n",
            3,
            T0.plusSeconds(second).plusMillis(250));
  }

  @Test
  void a_manual_runs_parameters_are_kept_through_its_updates_and_left_out_of_listings() {
    RunId id = new RunId(job, T0, Trigger.MANUAL);
    Map<String, String> params = Map.of("GREETING", "hi there", "QUOTE", "it's \"quoted\"\n");
    Run started = Run.running(id, "w1", 7, 1, T0).withParams(params);
    store.upsert(started);
    assertThat(store.get(id).orElseThrow().params()).isEqualTo(params);
    store.upsert(
        started.finished(
            RunState.SUCCEEDED,
            Optional.of(0),
            Optional.empty(),
            "",
            "hi\n",
            3,
            T0.plusSeconds(1)));
    Run stored = store.get(id).orElseThrow();
    assertThat(stored.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(stored.params()).isEqualTo(params);
    assertThat(store.query(RunQuery.all().forJob(job)).runs())
        .singleElement()
        .satisfies(r -> assertThat(r.params()).as("listings carry no parameters").isEmpty());
    // A run without parameters reads back with none.
    store.upsert(succeeded(1));
    assertThat(store.get(id(1)).orElseThrow().params()).isEmpty();
  }

  @Test
  void the_same_run_written_twice_is_one_row() {
    store.upsert(succeeded(1));
    store.upsert(succeeded(1));
    RunPage page = store.query(RunQuery.all().forJob(job));
    assertThat(page.runs()).hasSize(1);
    assertThat(store.get(id(1)).orElseThrow().outputTail()).isEqualTo("ok\n");
  }

  @Test
  void a_run_only_moves_forward() {
    store.upsert(running(1));
    store.upsert(succeeded(1));
    store.upsert(running(1)); // a late RUNNING
    assertThat(store.get(id(1)).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(store.markLost(id(1), "late sweeper", T0)).isFalse();
    assertThat(store.get(id(1)).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);

    store.upsert(running(2));
    assertThat(store.markLost(id(2), "worker w1 lost its lease", T0.plusSeconds(3))).isTrue();
    Run lost = store.get(id(2)).orElseThrow();
    assertThat(lost.state()).isEqualTo(RunState.LOST);
    assertThat(lost.reason()).contains("lost its lease");
    store.upsert(succeeded(2)); // the worker's late end of the same attempt: the command's truth
    assertThat(store.get(id(2)).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    store.upsert(running(2).lost("late", T0)); // a late presumption changes nothing
    assertThat(store.get(id(2)).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);

    store.upsert(running(3));
    store.upsert(
        running(3)
            .finished(
                RunState.LOST,
                Optional.empty(),
                Optional.of(9),
                "killed: lease lost",
                "",
                0,
                T0.plusSeconds(4))); // a loss the worker saw (its kill's signal) is final
    store.upsert(succeeded(3));
    assertThat(store.get(id(3)).orElseThrow().state()).isEqualTo(RunState.LOST);

    Run retry = Run.running(id(2), "w2", 200, 2, T0.plusSeconds(9));
    store.upsert(retry); // a later attempt replaces an earlier end
    assertThat(store.get(id(2)).orElseThrow().attempt()).isEqualTo(2);
  }

  @Test
  void one_batch_with_several_versions_of_a_run_keeps_what_writing_them_in_order_keeps() {
    Run retry = Run.running(id(2), "w2", 200, 2, T0.plusSeconds(9));
    store.upsertAll(
        List.of(running(1), succeeded(1), running(1), running(2), retry, running(2), running(3)));
    assertThat(store.get(id(1)).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(store.get(id(2)).orElseThrow().attempt()).isEqualTo(2);
    assertThat(store.get(id(3)).orElseThrow().state()).isEqualTo(RunState.RUNNING);

    // A batch larger than one statement, over rows already stored: forward-only as before.
    List<Run> many = new ArrayList<>();
    for (int s = 0; s < 1_234; s++) {
      many.add(s % 2 == 0 ? succeeded(10 + s) : running(10 + s));
    }
    store.upsertAll(many);
    List<Run> again = new ArrayList<>();
    for (int s = 0; s < 1_234; s++) {
      again.add(running(10 + s)); // late RUNNINGs: must not undo the ends
    }
    store.upsertAll(again);
    assertThat(store.get(id(10)).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(store.get(id(11)).orElseThrow().state()).isEqualTo(RunState.RUNNING);
    assertThat(store.get(id(10 + 1_232)).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    int rows = 0;
    Optional<String> cursor = Optional.empty();
    do {
      RunQuery q = RunQuery.all().forJob(job).limit(500);
      RunPage page = store.query(q.after(cursor));
      rows += page.runs().size();
      cursor = page.nextCursor();
    } while (cursor.isPresent());
    assertThat(rows).isEqualTo(3 + 1_234);
  }

  @Test
  void listings_filter_and_page_without_gaps_or_duplicates() {
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < 57; i++) {
      Run r = i % 3 == 0 ? running(i) : succeeded(i);
      if (i % 5 == 0) {
        r =
            new Run(
                r.id(),
                r.state(),
                r.startedAt(),
                r.endedAt(),
                "w2",
                r.fencingToken(),
                r.attempt(),
                r.exitCode(),
                r.signal(),
                r.reason(),
                r.outputTail(),
                r.outputSize(),
                r.params());
      }
      runs.add(r);
    }
    store.upsertAll(runs);
    Set<String> seen = new HashSet<>();
    Optional<String> cursor = Optional.empty();
    Instant previous = Instant.MAX;
    int pages = 0;
    do {
      RunPage page = store.query(RunQuery.all().forJob(job).limit(10).after(cursor));
      for (Run r : page.runs()) {
        assertThat(seen.add(r.id().toString())).as("no duplicate").isTrue();
        assertThat(r.fireTime()).isBeforeOrEqualTo(previous);
        assertThat(r.outputTail()).as("listings carry no output").isEmpty();
        previous = r.fireTime();
      }
      cursor = page.nextCursor();
      pages++;
      // A run inserted while paging, newer than everything: never shows up in later pages.
      store.upsert(succeeded(1000 + pages));
    } while (cursor.isPresent());
    assertThat(seen).hasSize(57);
    assertThat(pages).isEqualTo(6);

    assertThat(
            store
                .query(RunQuery.all().forJob(job).inStates(Set.of(RunState.RUNNING)).limit(100))
                .runs())
        .hasSize(19);
    assertThat(store.query(RunQuery.all().forJob(job).ofWorker("w2").limit(100)).runs())
        .hasSize(12);
    assertThat(
            store
                .query(
                    RunQuery.all()
                        .forJob(job)
                        .between(Optional.of(T0.plusSeconds(10)), Optional.of(T0.plusSeconds(20)))
                        .limit(100))
                .runs())
        .hasSize(10);
    assertThat(store.running()).extracting(Run::job).contains(job);
  }

  @Test
  void stats_count_states_and_percentiles() {
    for (int i = 0; i < 10; i++) {
      Run r = running(i);
      RunState end = i < 8 ? RunState.SUCCEEDED : RunState.FAILED;
      store.upsert(
          r.finished(
              end,
              Optional.of(end == RunState.SUCCEEDED ? 0 : 1),
              Optional.empty(),
              "",
              "",
              0,
              r.startedAt().get().plusMillis(100L * (i + 1))));
    }
    store.upsert(Run.skipped(id(20), "w1", 1, "busy", T0.plusSeconds(20)));
    JobStats stats = store.stats(job, T0);
    assertThat(stats.counts())
        .containsEntry(RunState.SUCCEEDED, 8L)
        .containsEntry(RunState.FAILED, 2L)
        .containsEntry(RunState.SKIPPED, 1L);
    assertThat(stats.successRate()).contains(0.8);
    assertThat(stats.p50()).contains(Duration.ofMillis(500));
    assertThat(stats.p99()).contains(Duration.ofMillis(1000));
    assertThat(stats.last().orElseThrow().id()).isEqualTo(id(20));
    assertThat(store.stats(List.of(job, "nothing-here"), T0)).containsKeys(job, "nothing-here");
  }

  @Test
  void recent_runs_are_the_newest_per_job_oldest_first() {
    for (int i = 0; i < 30; i++) {
      store.upsert(succeeded(i));
    }
    var recent = store.recent(List.of(job, "none"), 5);
    assertThat(recent.get(job))
        .extracting(Run::id)
        .containsExactly(id(25), id(26), id(27), id(28), id(29));
    assertThat(recent.get("none")).isEmpty();
  }

  @Test
  void live_output_is_appended_idempotently_and_read_from_an_offset() {
    store.upsert(running(1));
    byte[] hello = "hello ".getBytes(StandardCharsets.UTF_8);
    byte[] euro = "€uro".getBytes(StandardCharsets.UTF_8); // € is 3 bytes
    store.appendOutput(id(1), 0, hello);
    store.appendOutput(id(1), 0, hello); // re-sent
    store.appendOutput(id(1), hello.length, java.util.Arrays.copyOfRange(euro, 0, 2)); // half a €
    OutputSlice partial = store.readOutput(id(1), 0);
    assertThat(partial.text()).isEqualTo("hello ");
    assertThat(partial.finished()).isFalse();
    store.appendOutput(id(1), hello.length, euro); // overlaps what was sent
    OutputSlice all = store.readOutput(id(1), partial.totalSize());
    assertThat(all.text()).isEqualTo("€uro");
    assertThat(all.totalSize()).isEqualTo(hello.length + euro.length);
    store.upsert(succeeded(1));
    assertThat(store.readOutput(id(1), 0).finished()).isTrue();
  }

  @Test
  void output_keeps_at_least_the_last_64_kib() {
    store.upsert(running(1));
    byte[] block = "0123456789abcdef".repeat(1024).getBytes(StandardCharsets.UTF_8); // 16 KiB
    for (int i = 0; i < 20; i++) {
      store.appendOutput(id(1), (long) i * block.length, block);
    }
    OutputSlice slice = store.readOutput(id(1), 0);
    long total = 20L * block.length;
    assertThat(slice.totalSize()).isEqualTo(total);
    assertThat(total - slice.offset()).isGreaterThanOrEqualTo(64 * 1024);
    assertThat(slice.text()).endsWith("abcdef");
  }

  @Test
  void retention_removes_exactly_what_the_policy_says() {
    Instant now = T0.plus(Duration.ofDays(40));
    for (int i = 0; i < 30; i++) {
      store.upsert(succeeded(i)); // 40 days old
    }
    store.upsert(running(31)); // old but RUNNING: kept
    String other = job + "-recent";
    for (int i = 0; i < 30; i++) {
      store.upsert(
          Run.skipped(
              new RunId(other, now.minusSeconds(100 - i), Trigger.SCHEDULE), "w1", 1, "busy", now));
    }
    int deleted = store.applyRetention(new RetentionPolicy(Duration.ofDays(30), 25), now);
    assertThat(deleted).isEqualTo(30 + 5);
    assertThat(store.query(RunQuery.all().forJob(job).limit(100)).runs())
        .extracting(Run::id)
        .containsExactly(id(31));
    List<Run> kept = store.query(RunQuery.all().forJob(other).limit(100)).runs();
    assertThat(kept).hasSize(25);
    assertThat(kept.get(kept.size() - 1).fireTime()).isEqualTo(now.minusSeconds(100 - 5));
  }
}
