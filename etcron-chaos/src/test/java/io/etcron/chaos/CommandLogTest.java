package io.etcron.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.chaos.check.Execution;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandLogTest {

  @Test
  void lines_of_one_execution_make_one_execution_from_first_to_last_event() {
    CommandLog log = new CommandLog();
    log.accept("start 1800000000.010000 j j@1800000000000 1 42 w1 100");
    log.accept("hb 1800000000.110000 j j@1800000000000 1 42 w1 100");
    log.accept("end 1800000000.500000 j j@1800000000000 1 42 w1 100 0");

    List<Execution> xs = log.executions();

    assertThat(xs).hasSize(1);
    Execution x = xs.get(0);
    assertThat(x.runId()).isEqualTo("j@1800000000000");
    assertThat(x.token()).isEqualTo(42);
    assertThat(x.worker()).isEqualTo("w1");
    assertThat(x.start()).isEqualTo(Instant.parse("2027-01-15T08:00:00.010Z"));
    assertThat(x.lastAlive()).isEqualTo(Instant.parse("2027-01-15T08:00:00.500Z"));
    assertThat(x.exitCode()).isEqualTo(Optional.of(0));
  }

  @Test
  void attempts_and_pids_are_separate_executions_and_a_killed_one_has_no_end() {
    CommandLog log = new CommandLog();
    log.accept("start 1800000000.0 j j@1800000000000 1 42 w1 100");
    log.accept("end 1800000000.2 j j@1800000000000 1 42 w1 100 3");
    log.accept("start 1800000001.2 j j@1800000000000 2 42 w1 101");
    log.accept("hb 1800000001,3 j j@1800000000000 2 42 w1 101");
    log.accept("start 1800000001.2 j j@1800000000000 2 42 w2 102");
    log.accept("term 1800000001.9 j j@1800000000000 2 42 w2 102");

    List<Execution> xs = log.executions();

    assertThat(xs).hasSize(3);
    assertThat(xs.get(0).exitCode()).contains(3);
    assertThat(xs.get(1).ended()).isFalse();
    assertThat(xs.get(1).lastAlive()).isEqualTo(Instant.ofEpochMilli(1_800_000_001_300L));
    assertThat(xs.get(2).terminated()).isTrue();
    assertThat(log.malformed()).isZero();
  }

  @Test
  void a_torn_line_is_counted_and_skipped() {
    CommandLog log = new CommandLog();
    log.accept("start 1800000000.0 j j@1800000000000 1 42 w1 100");
    log.accept("hb 18000000");
    log.accept("end 1800000000.2 j j@1800000000000 1 42 w1 100 zero");

    assertThat(log.malformed()).isEqualTo(2);
    assertThat(log.executions()).hasSize(1);
    assertThat(log.executions().get(0).ended()).isFalse();
  }
}
