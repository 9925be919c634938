package io.etcron.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FiresTest {
  private static final ZoneId UTC = ZoneOffset.UTC;

  @Test
  void latest_is_the_last_fire_before_now_after_a_long_outage() {
    // A per-second job down for 12 days: more fires than any walk from the cursor would take.
    Schedule everySecond = Schedule.parse("* * * * * *");
    Instant cursor = Instant.parse("2026-11-01T00:00:00Z");
    Instant now = cursor.plus(Duration.ofDays(12)).plusMillis(500);
    assertThat(Fires.latest(everySecond, UTC, cursor, now))
        .contains(cursor.plus(Duration.ofDays(12)));
    assertThat(Fires.latest(Schedule.parse("@every 1s"), UTC, cursor, now))
        .contains(cursor.plus(Duration.ofDays(12)));
  }

  @Test
  void latest_is_inclusive_of_to_and_exclusive_of_from() {
    Schedule minutely = Schedule.parse("0 * * * * *");
    Instant from = Instant.parse("2026-11-01T00:00:00Z");
    assertThat(Fires.latest(minutely, UTC, from, from.plusSeconds(60)))
        .contains(from.plusSeconds(60));
    assertThat(Fires.latest(minutely, UTC, from, from.plusSeconds(59))).isEmpty();
    Schedule every = Schedule.parse("@every 1m");
    assertThat(Fires.latest(every, UTC, from, from.plusSeconds(60))).contains(from.plusSeconds(60));
    assertThat(every.previous(from.plusNanos(1), UTC)).contains(from);
  }

  @Test
  void between_returns_the_newest_fires_however_long_the_window() {
    Schedule everySecond = Schedule.parse("* * * * * *");
    Instant from = Instant.parse("2026-11-01T00:00:00Z");
    Instant to = from.plus(Duration.ofDays(12));
    assertThat(Fires.between(everySecond, UTC, from, to, 3))
        .containsExactly(to.minusSeconds(3), to.minusSeconds(2), to.minusSeconds(1));
    assertThat(Fires.between(everySecond, UTC, from, from.plusSeconds(3), 10))
        .containsExactly(from.plusSeconds(1), from.plusSeconds(2));
  }
}
