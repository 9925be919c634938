package io.etcron.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cron fields mean what the docs say: Spring's dialect for 6 fields, Unix cron for 5. */
class CronSemanticsTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static List<LocalDateTime> next(String expr, String after, int n) {
    return Fires.nextN(Schedule.parse(expr), UTC, Instant.parse(after), n).stream()
        .map(i -> LocalDateTime.ofInstant(i, UTC))
        .toList();
  }

  private static List<DayOfWeek> days(List<LocalDateTime> times) {
    return times.stream().map(LocalDateTime::getDayOfWeek).toList();
  }

  @Test
  void day_of_week_steps_count_from_monday_as_spring_does() {
    // */2 over 1-7 (Monday = 1, Sunday = 7): Monday, Wednesday, Friday, Sunday.
    List<LocalDateTime> fires = next("0 0 12 * * */2", "2026-11-23T13:00:00Z", 4);
    assertThat(days(fires))
        .containsExactly(DayOfWeek.WEDNESDAY, DayOfWeek.FRIDAY, DayOfWeek.SUNDAY, DayOfWeek.MONDAY);
    assertThat(Schedule.parse("0 0 12 * * */2").describe())
        .doesNotContain("Tuesday")
        .contains("Monday", "Wednesday", "Friday", "Sunday");
    // 0/2 starts at 0 = Sunday: Sunday, Tuesday, Thursday, Saturday.
    assertThat(days(next("0 0 12 * * 0/2", "2026-11-23T13:00:00Z", 4)))
        .containsExactly(
            DayOfWeek.TUESDAY, DayOfWeek.THURSDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
  }

  @Test
  void nearest_weekday_stays_in_the_month_when_the_day_is_a_sunday() {
    // 28 February 2027 is a Sunday and the last day of the month: the nearest weekday in
    // February is Friday the 26th.
    assertThat(next("0 0 0 28W * *", "2027-02-01T00:00:00Z", 2))
        .containsExactly(
            LocalDateTime.parse("2027-02-26T00:00"), LocalDateTime.parse("2027-03-29T00:00"));
    // 15 November 2026 is a Sunday: Monday the 16th.
    assertThat(next("0 0 0 15W * *", "2026-11-01T00:00:00Z", 1))
        .containsExactly(LocalDateTime.parse("2026-11-16T00:00"));
    // 31W fires in long months only.
    assertThat(next("0 0 0 31W * *", "2026-11-01T00:00:00Z", 2))
        .containsExactly(
            LocalDateTime.parse("2026-12-31T00:00"), LocalDateTime.parse("2027-01-29T00:00"));
  }

  @Test
  void a_backwards_range_wraps_around_in_every_field() {
    assertThat(next("0 0 0 29-2 * *", "2026-11-27T12:00:00Z", 5))
        .containsExactly(
            LocalDateTime.parse("2026-11-29T00:00"),
            LocalDateTime.parse("2026-11-30T00:00"),
            LocalDateTime.parse("2026-12-01T00:00"),
            LocalDateTime.parse("2026-12-02T00:00"),
            LocalDateTime.parse("2026-12-29T00:00"));
    assertThat(next("0 0 22-1 * * *", "2026-11-27T12:00:00Z", 4))
        .extracting(LocalDateTime::getHour)
        .containsExactly(22, 23, 0, 1);
    assertThat(days(next("0 0 12 * * FRI-MON", "2026-11-23T13:00:00Z", 4)))
        .containsExactly(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY, DayOfWeek.MONDAY);
    assertThat(Schedule.parse("0 0 0 29-2 * *").describe()).contains("29", "2");
  }

  @Test
  void a_step_larger_than_its_field_is_valid() {
    assertThat(next("0 0 */30 * * *", "2026-11-27T12:00:00Z", 2))
        .containsExactly(
            LocalDateTime.parse("2026-11-28T00:00"), LocalDateTime.parse("2026-11-29T00:00"));
    assertThat(next("*/90 * * * * *", "2026-11-27T12:00:00Z", 2))
        .containsExactly(
            LocalDateTime.parse("2026-11-27T12:01"), LocalDateTime.parse("2026-11-27T12:02"));
  }

  @Test
  void lists_may_mix_last_and_nearest_weekday_with_days() {
    assertThat(next("0 0 0 1,L * *", "2026-11-02T00:00:00Z", 3))
        .containsExactly(
            LocalDateTime.parse("2026-11-30T00:00"),
            LocalDateTime.parse("2026-12-01T00:00"),
            LocalDateTime.parse("2026-12-31T00:00"));
  }

  @Test
  void every_refuses_a_period_finer_than_a_millisecond() {
    assertThatThrownBy(() -> Schedule.parse("@every PT1.0005S"))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageContaining("whole number of milliseconds");
    assertThat(((EverySchedule) Schedule.parse("@every PT1.5S")).period().toMillis())
        .isEqualTo(1500);
  }

  @Test
  void five_fields_or_the_two_day_fields_as_unix_cron_does() {
    // Both restricted: the 14th of any month, or any Friday.
    List<LocalDateTime> fires = next("0 12 14 * FRI", "2026-11-01T00:00:00Z", 4);
    assertThat(fires)
        .containsExactly(
            LocalDateTime.parse("2026-11-06T12:00"),
            LocalDateTime.parse("2026-11-13T12:00"),
            LocalDateTime.parse("2026-11-14T12:00"),
            LocalDateTime.parse("2026-11-20T12:00"));
    assertThat(next("0 12 1 * MON", "2026-11-24T00:00:00Z", 3))
        .containsExactly(
            LocalDateTime.parse("2026-11-30T12:00"),
            LocalDateTime.parse("2026-12-01T12:00"),
            LocalDateTime.parse("2026-12-07T12:00"));
    // A day field starting with * counts as unrestricted (as in Vixie cron): days must match both.
    assertThat(next("0 12 */2 * FRI", "2026-11-01T00:00:00Z", 2))
        .containsExactly(
            LocalDateTime.parse("2026-11-13T12:00"), LocalDateTime.parse("2026-11-27T12:00"));
    // Six fields keep Spring's AND.
    assertThat(next("0 0 12 14 * FRI", "2026-11-01T00:00:00Z", 1))
        .containsExactly(LocalDateTime.parse("2027-05-14T12:00"));
  }

  @Test
  void previous_after_a_fall_back_is_the_fire_that_ran() {
    // 2024-11-03 New York: 06:00Z is 01:00 EST, 02:00 EDT. The last fire before is 01:40 EDT.
    Schedule every20 = Schedule.parse("0 */20 * * * *");
    assertThat(every20.previous(Instant.parse("2024-11-03T06:00:00Z"), NEW_YORK))
        .contains(Instant.parse("2024-11-03T05:40:00Z"));
    // 01:30 fires once, at its first occurrence (05:30Z); the next day's 01:30 EST is 06:30Z.
    Schedule daily = Schedule.parse("0 30 1 * * *");
    assertThat(daily.previous(Instant.parse("2024-11-04T06:30:00Z"), NEW_YORK))
        .contains(Instant.parse("2024-11-03T05:30:00Z"));
  }

  @Test
  void previous_is_the_inverse_of_next_across_transitions() {
    ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
    String[] exprs = {
      "0 */20 * * * *", "0 30 1 * * *", "0 30 2 * * *", "0 0,30 1-3 * * *", "0 20,40 2 * * *"
    };
    for (ZoneId zone : List.of(NEW_YORK, ZoneId.of("Europe/Berlin"), lordHowe)) {
      for (String expr : exprs) {
        Schedule s = Schedule.parse(expr);
        Instant t = Instant.parse("2024-03-01T00:00:00Z");
        Instant previous = s.next(t, zone).orElseThrow();
        for (int i = 0; i < 2000; i++) {
          Instant next = s.next(previous, zone).orElseThrow();
          assertThat(s.previous(next, zone))
              .as("%s in %s before %s", expr, zone, next)
              .contains(previous);
          previous = next;
        }
      }
    }
  }
}
