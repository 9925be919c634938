package io.etcron.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Instant at(String local, ZoneId zone) {
    return LocalDateTime.parse(local).atZone(zone).toInstant();
  }

  private static List<Instant> next(String expr, ZoneId zone, Instant after, int n) {
    return Fires.nextN(Schedule.parse(expr), zone, after, n);
  }

  @Test
  void six_field_cron_fires_on_seconds() {
    assertThat(next("*/15 * * * * *", UTC, Instant.parse("2026-11-23T10:00:00Z"), 3))
        .containsExactly(
            Instant.parse("2026-11-23T10:00:15Z"),
            Instant.parse("2026-11-23T10:00:30Z"),
            Instant.parse("2026-11-23T10:00:45Z"));
  }

  @Test
  void five_field_cron_is_unix_cron_at_second_zero() {
    assertThat(next("*/5 * * * *", UTC, Instant.parse("2026-11-23T10:01:30Z"), 2))
        .containsExactly(
            Instant.parse("2026-11-23T10:05:00Z"), Instant.parse("2026-11-23T10:10:00Z"));
  }

  @ParameterizedTest
  @CsvSource({
    "@hourly, 2026-11-23T11:00:00Z",
    "@daily, 2026-11-24T00:00:00Z",
    "@midnight, 2026-11-24T00:00:00Z",
    "@weekly, 2026-11-29T00:00:00Z",
    "@monthly, 2026-12-01T00:00:00Z",
    "@yearly, 2027-01-01T00:00:00Z",
    "@annually, 2027-01-01T00:00:00Z",
    "0 0 12 L * *, 2026-11-30T12:00:00Z",
    "0 0 12 ? * MON#2, 2026-12-14T12:00:00Z",
    "0 0 0 15W * ?, 2026-12-15T00:00:00Z",
    "0 0 0 * * 7, 2026-11-29T00:00:00Z",
    "0 0 0 * * SUN, 2026-11-29T00:00:00Z",
    "0 0 0 29 2 *, 2028-02-29T00:00:00Z",
  })
  void every_form_fires_when_expected(String expr, String expected) {
    assertThat(Schedule.parse(expr).next(Instant.parse("2026-11-23T10:00:00Z"), UTC))
        .contains(Instant.parse(expected));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 61 * * * *|\"0 61 * * * *\" minute 61 is out of range 0-59",
        "60 * * * * *|second 60 is out of range 0-59",
        "0 0 25 * * *|hour 25 is out of range 0-23",
        "0 0 0 32 * *|day-of-month 32 is out of range 1-31",
        "0 0 0 * 13 *|month 13 is out of range 1-12",
        "0 0 0 * * 8|day-of-week 8 is out of range 0-7",
        "0 0 0 * * * *|expected 5 or 6 fields",
        "bogus|expected 5 or 6 fields",
        "@sometimes|not a known macro",
        "@every|needs a duration",
        "@every 0s|between 1s and 366d",
        "@every 400d|between 1s and 366d",
        "@every soon|not a duration",
        "@at tomorrow|not an ISO-8601 instant",
        "0 x * * * *|minute",
        "0 0 0 32W * *|day-of-month 32W is out of range 1-31",
        "0 0 0 L-31 * *|day-of-month offset 31 is out of range 0-30",
        "0 0 0 * * 5#6|day-of-week #6 is out of range 1-5",
        "0 0 */0 * * *|hour step 0 is out of range",
        "0 0 0 * * L|must follow one day",
        "0 0 0 L-5W * *|L and W are written L, L-<days>, LW or <day>W",
        "0 0 0 1-5W * *|L and W are written",
        "0 0 0 * FOO *|month \"FOO\" is not valid",
        "0 0 0 1,,2 * *|day-of-month \"\" is not valid",
        "@every PT0.0005S|whole number of milliseconds",
        "? 0 0 * * *|only allowed in day-of-month",
      })
  void invalid_schedules_say_what_is_wrong(String expr, String message) {
    assertThatThrownBy(() -> Schedule.parse(expr))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageContaining(message);
  }

  @Test
  void every_is_aligned_to_the_epoch_whatever_the_zone() {
    Schedule s = Schedule.parse("@every 1h30m");
    assertThat(s.next(Instant.parse("2026-11-23T10:00:00Z"), NEW_YORK))
        .contains(Instant.parse("2026-11-23T10:30:00Z"));
    assertThat(s.next(Instant.parse("2026-11-23T10:00:00Z"), UTC))
        .contains(Instant.parse("2026-11-23T10:30:00Z"));
    assertThat(s.describe()).isEqualTo("every 1h30m");
  }

  @Test
  void at_fires_once_and_not_in_the_past() {
    Schedule s = Schedule.parse("@at 2026-12-01T09:00:00+01:00");
    assertThat(s.next(Instant.parse("2026-11-23T10:00:00Z"), UTC))
        .contains(Instant.parse("2026-12-01T08:00:00Z"));
    assertThat(s.next(Instant.parse("2026-12-01T08:00:00Z"), UTC)).isEmpty();
  }

  @Test
  void question_marks_read_as_stars_and_last_weekdays_work() {
    assertThat(Schedule.parse("0 0 0 ? * ?").next(Instant.parse("2026-11-23T10:00:00Z"), UTC))
        .contains(Instant.parse("2026-11-24T00:00:00Z"));
    assertThat(Schedule.parse("0 0 0 ? * 5L").next(Instant.parse("2026-11-23T10:00:00Z"), UTC))
        .contains(Instant.parse("2026-11-27T00:00:00Z"));
  }

  @Test
  void lord_howe_times_after_a_half_hour_gap_are_not_hidden_by_a_shifted_one() {
    ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
    // 02:20 falls in the gap (02:00-02:30) and shifts to 02:50; 02:40 exists and fires too.
    assertThat(next("0 20,40 2 * * *", lordHowe, at("2026-10-04T01:00", lordHowe), 3))
        .containsExactly(
            at("2026-10-04T02:40", lordHowe),
            at("2026-10-04T02:50", lordHowe),
            at("2026-10-05T02:20", lordHowe));
  }

  @Test
  void an_impossible_date_never_fires() {
    assertThat(Schedule.parse("0 0 0 30 2 *").next(Instant.parse("2026-11-23T10:00:00Z"), UTC))
        .isEmpty();
  }

  @Test
  void spring_forward_shifts_a_skipped_time_once_new_york() {
    // 2026-03-08: 02:00 EST becomes 03:00 EDT.
    assertThat(next("0 30 2 * * *", NEW_YORK, at("2026-03-07T03:00", NEW_YORK), 3))
        .containsExactly(
            at("2026-03-08T03:30", NEW_YORK),
            at("2026-03-09T02:30", NEW_YORK),
            at("2026-03-10T02:30", NEW_YORK));
    // Hourly at :30 except the hour is fixed by a range: 02:30 shifts to 03:30 and 03:30 is not
    // fired twice.
    assertThat(next("0 30 1-4 * * *", NEW_YORK, at("2026-03-08T00:00", NEW_YORK), 4))
        .containsExactly(
            at("2026-03-08T01:30", NEW_YORK),
            at("2026-03-08T03:30", NEW_YORK),
            at("2026-03-08T04:30", NEW_YORK),
            at("2026-03-09T01:30", NEW_YORK));
  }

  @Test
  void fall_back_fires_a_repeated_time_once_berlin() {
    // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    List<Instant> fires = next("0 30 2 * * *", BERLIN, at("2026-10-24T12:00", BERLIN), 2);
    assertThat(fires)
        .containsExactly(Instant.parse("2026-10-25T00:30:00Z"), at("2026-10-26T02:30", BERLIN));
  }

  @Test
  void fall_back_fires_a_repeated_time_once_new_york() {
    // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens twice.
    List<Instant> fires = next("0 30 1 * * *", NEW_YORK, at("2026-10-31T12:00", NEW_YORK), 2);
    assertThat(fires)
        .containsExactly(
            Instant.parse("2026-11-01T05:30:00Z"), Instant.parse("2026-11-02T06:30:00Z"));
  }

  @Test
  void a_wildcard_hour_follows_absolute_time_through_both_transitions() {
    // Every 15 minutes across New York's fall-back: both passes of 01:xx fire, 15 minutes apart.
    List<Instant> back = next("0 */15 * * * *", NEW_YORK, Instant.parse("2026-11-01T05:30:00Z"), 6);
    for (int i = 1; i < back.size(); i++) {
      assertThat(Duration.between(back.get(i - 1), back.get(i))).isEqualTo(Duration.ofMinutes(15));
    }
    // Across spring-forward: 01:45 EST is followed by 03:00 EDT, 15 real minutes later.
    List<Instant> forward = next("0 */15 * * * *", NEW_YORK, at("2026-03-08T01:40", NEW_YORK), 2);
    assertThat(forward)
        .containsExactly(at("2026-03-08T01:45", NEW_YORK), at("2026-03-08T03:00", NEW_YORK));
    assertThat(Duration.between(forward.get(0), forward.get(1))).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void hourly_across_berlin_fall_back_fires_each_real_hour() {
    List<Instant> fires = next("@hourly", BERLIN, Instant.parse("2026-10-24T23:30:00Z"), 4);
    assertThat(fires)
        .containsExactly(
            Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T01:00:00Z"),
            Instant.parse("2026-10-25T02:00:00Z"), Instant.parse("2026-10-25T03:00:00Z"));
  }

  @Test
  void lord_howe_half_hour_shift_is_handled() {
    ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
    // 2026-10-04 02:00 becomes 02:30 (+30 min): 02:15 shifts to 02:45 once.
    assertThat(next("0 15 2 * * *", lordHowe, at("2026-10-03T12:00", lordHowe), 2))
        .containsExactly(at("2026-10-04T02:45", lordHowe), at("2026-10-05T02:15", lordHowe));
  }

  @Test
  void random_expressions_parse_to_increasing_fires_or_fail_cleanly() {
    Random random = new Random(20261123);
    String[] tokens = {
      "*",
      "?",
      "0",
      "1",
      "5",
      "15",
      "30",
      "59",
      "60",
      "*/5",
      "1-5",
      "1,2,3",
      "L",
      "W",
      "MON",
      "JAN",
      "#",
      "5#2",
      "-",
      "/",
      "x",
      "99",
      "LW",
      "0-0",
      "7",
      "",
      "\u00e9",
      "@",
      "@every 5s",
      "@daily"
    };
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < 3000; i++) {
      int fields = 1 + random.nextInt(7);
      StringBuilder e = new StringBuilder();
      for (int f = 0; f < fields; f++) {
        e.append(f == 0 ? "" : " ").append(tokens[random.nextInt(tokens.length)]);
      }
      String expr = e.toString();
      Schedule s;
      try {
        s = Schedule.parse(expr);
      } catch (InvalidScheduleException ok) {
        continue;
      }
      Instant t = start;
      for (int step = 0; step < 50; step++) {
        var next = s.next(t, NEW_YORK);
        if (next.isEmpty()) {
          break;
        }
        assertThat(next.get()).as(expr).isAfter(t);
        t = next.get();
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "*/15 * * * * *, 2026-11-23T10:00:15Z, 2026-11-23T10:00:00Z",
    "*/15 * * * * *, 2026-11-23T10:00:14Z, 2026-11-23T10:00:00Z",
    "@daily, 2026-11-23T10:00:00Z, 2026-11-23T05:00:00Z",
    "@every 1m, 2026-11-23T10:00:00Z, 2026-11-23T09:59:00Z",
    "@every 1m, 2026-11-23T10:00:00.001Z, 2026-11-23T10:00:00Z",
  })
  void previous_is_the_last_fire_strictly_before(String expr, String before, String expected) {
    assertThat(Schedule.parse(expr).previous(Instant.parse(before), NEW_YORK))
        .contains(Instant.parse(expected));
  }

  /**
   * Audit M4: across a fall-back, previous() used the offset in force at its bound for the whole
   * search: an hour early for {@code 0 *\/20 * * * *}, a day's fire late for {@code 0 30 1 * * *}.
   * previous(x) must be the last fire that next() reaches before x.
   */
  @ParameterizedTest
  @CsvSource({
    "0 */20 * * * *, 2024-11-03T06:00:00Z, 2024-11-03T05:40:00Z",
    "0 30 1 * * *, 2024-11-04T06:30:00Z,",
    "0 30 1 * * *, 2024-11-03T07:00:00Z,",
    "0 0 * * * *, 2024-11-03T06:30:00Z, 2024-11-03T06:00:00Z",
  })
  void previous_across_a_fall_back_is_the_last_fire_next_reaches(
      String expr, String before, String expected) {
    Schedule s = Schedule.parse(expr);
    Instant bound = Instant.parse(before);
    Instant last = null;
    for (Instant t = Instant.parse("2024-11-01T00:00:00Z"); ; ) {
      Instant next = s.next(t, NEW_YORK).orElseThrow();
      if (!next.isBefore(bound)) {
        break;
      }
      last = next;
      t = next;
    }
    assertThat(s.previous(bound, NEW_YORK)).contains(last);
    if (expected != null) {
      assertThat(last).isEqualTo(Instant.parse(expected));
    }
  }

  @Test
  void previous_and_next_agree_away_from_transitions() {
    Schedule s = Schedule.parse("0 7 */3 * * *");
    Instant t = Instant.parse("2026-06-01T00:00:00Z");
    for (int i = 0; i < 200; i++) {
      Instant next = s.next(t, BERLIN).orElseThrow();
      assertThat(s.previous(next, BERLIN))
          .as("previous of %s", next)
          .contains(i == 0 ? s.previous(next, BERLIN).orElseThrow() : t);
      t = next;
    }
  }
}
