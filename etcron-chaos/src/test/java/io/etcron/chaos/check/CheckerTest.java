package io.etcron.chaos.check;

import static io.etcron.chaos.check.SyntheticHistory.KILL;
import static io.etcron.chaos.check.SyntheticHistory.at;
import static io.etcron.chaos.check.SyntheticHistory.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckerTest {

  /** One way to break each guarantee, and the figure that must count it. */
  static final Map<String, Consumer<SyntheticHistory>> BREAKS =
      Map.of(
          "duplicates",
              h -> {
                Execution x = h.executions.get(id("a", 3));
                h.extra.add(
                    SyntheticHistory.another(x, 1, "w2", 7, at(3_600), at(3_900), Optional.of(0)));
              },
          "forbidOverlaps", h -> h.lastAlive(id("f", 8), at(9_300)),
          "outlivedLease", h -> h.lastAlive(id("a", 5), KILL.plusSeconds(6)),
          "firesWithoutRecord",
              h -> {
                h.records.remove(id("a", 7));
                h.executions.remove(id("a", 7));
              },
          "doubleRecords", h -> h.state(id("a", 6), "MISSED"),
          "finishedWithoutRecord", h -> h.state(id("f", 4), "RUNNING"),
          "completedAfterLost", h -> h.state(id("a", 2), "LOST"),
          "tokenOrder", h -> h.token(id("a", 9), 5),
          "slowFailovers",
              h -> {
                for (int second = 6; second <= 13; second++) {
                  h.executions.remove(id("s", second));
                  h.state(id("s", second), "SKIPPED");
                }
              });

  static final Map<String, ToIntFunction<Report>> FIGURES =
      Map.of(
          "duplicates", Report::duplicates,
          "forbidOverlaps", Report::forbidOverlaps,
          "outlivedLease", Report::outlivedLease,
          "firesWithoutRecord", Report::firesWithoutRecord,
          "doubleRecords", Report::doubleRecords,
          "finishedWithoutRecord", Report::finishedWithoutRecord,
          "completedAfterLost", Report::completedAfterLost,
          "tokenOrder", Report::tokenOrder,
          "slowFailovers", Report::slowFailovers);

  @Test
  void a_clean_history_passes() {
    Report report = Checker.check(new SyntheticHistory().history());

    assertThat(report.violations()).as(report.examples().toString()).isZero();
    assertThat(report.executions()).isEqualTo(45);
    assertThat(report.recordsByState()).containsExactly(Map.entry("SUCCEEDED", 45));
    // f and s last ran on w1 at 5 s; their 6 s fires started on w2 at 6.01 s.
    assertThat(report.failoverMillis()).containsExactly(410L, 410L);
    assertThat(report.failoverByFault())
        .containsExactly(Map.entry("KILL w1 at " + KILL, java.util.List.of(410L, 410L)));
  }

  static Stream<Arguments> breaks() {
    return BREAKS.keySet().stream().sorted().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("breaks")
  void one_violation_is_caught_and_counted_once(String kind) {
    SyntheticHistory h = new SyntheticHistory();
    BREAKS.get(kind).accept(h);

    Report report = Checker.check(h.history());

    assertThat(FIGURES.get(kind).applyAsInt(report)).as(kind).isEqualTo(1);
    assertThat(report.violations()).as(report.examples().toString()).isEqualTo(1);
    assertThat(report.examples()).containsOnlyKeys(kind);
  }

  @Test
  void one_of_each_violation_in_one_history_is_each_counted_once() {
    SyntheticHistory h = new SyntheticHistory();
    BREAKS.values().forEach(b -> b.accept(h));

    Report report = Checker.check(h.history());

    FIGURES.forEach((kind, figure) -> assertThat(figure.applyAsInt(report)).as(kind).isEqualTo(1));
    assertThat(report.violations()).isEqualTo(FIGURES.size());
  }

  @Test
  void an_overlap_is_measured_from_the_later_start_to_the_earlier_end() {
    SyntheticHistory h = new SyntheticHistory();
    h.lastAlive(id("f", 8), at(9_300));

    assertThat(Checker.check(h.history()).maxOverlapMillis()).isEqualTo(290);
  }

  @Test
  void a_skipped_record_naming_a_holder_that_never_existed_is_reported() {
    SyntheticHistory h = new SyntheticHistory();
    h.executions.remove(id("f", 10));
    h.records.put(
        id("f", 10),
        SyntheticHistory.record(
            id("f", 10),
            "f",
            at(10_000),
            "SKIPPED",
            "w2",
            130,
            "previous run f@1799999999000 still running"));

    Report report = Checker.check(h.history());

    assertThat(report.skippedBehindPhantom()).isEqualTo(1);
    assertThat(report.violations()).isZero();
  }

  @Test
  void a_retry_on_the_same_worker_is_not_a_duplicate() {
    SyntheticHistory h = new SyntheticHistory();
    Execution x = h.executions.get(id("a", 8));
    h.extra.add(
        SyntheticHistory.another(x, 2, x.worker(), 9, at(8_600), at(8_900), Optional.of(0)));

    assertThat(Checker.check(h.history()).violations()).isZero();
  }

  @Test
  void a_failed_attempt_whose_retry_still_runs_is_not_a_finished_run() {
    SyntheticHistory h = new SyntheticHistory();
    Execution x = h.executions.get(id("a", 14));
    h.executions.put(x.runId(), x.withExitCode(3));
    h.extra.add(
        SyntheticHistory.another(x, 2, x.worker(), 9, at(19_000), at(19_900), Optional.empty()));
    h.state(x.runId(), "RUNNING");

    assertThat(Checker.check(h.history()).violations()).isZero();
  }
}
