package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code etcron cron next}: fire times offline, with the days a job's exclude takes out. */
class CronCommandTest {
  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void next_marks_the_fires_of_excluded_days_and_refuses_a_bad_day_before_printing() {
    LocalDate tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1);
    Result r = run("cron", "next", "@daily", "-n", "2", "--exclude", tomorrow.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains(tomorrow + "T00:00:00Z   (excluded day: skipped)")
        .contains(tomorrow.plusDays(1) + "T00:00:00Z")
        .contains(tomorrow.plusDays(2) + "T00:00:00Z");
    Result bad = run("cron", "next", "@daily", "--exclude", "2026-13-01");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.out()).isEmpty();
    assertThat(bad.err()).contains("exclude[0]: \"2026-13-01\" is not a date");
  }
}
