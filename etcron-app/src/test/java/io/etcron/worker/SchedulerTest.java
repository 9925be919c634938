package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcron.claim.Fire;
import io.etcron.job.Job;
import io.etcron.job.JobSpecs;
import io.etcron.store.Keys;
import io.etcron.store.WorkerInfo;
import io.etcron.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The scheduler driven by a settable clock: what it hands out to claim, and when. */
class SchedulerTest {
  private final Keys keys = Keys.of("/etcron/");
  private final SettableClock clock = SettableClock.at(Instant.parse("2026-03-07T12:00:00Z"));
  private final CursorView cursors = new CursorView(keys, clock);
  private final Members members =
      new Members(
          keys,
          new WorkerInfo("me", "h", 1, "v", Set.of(), 4, clock.instant(), List.of(), "1", false));
  private final List<Fire> claimed = new ArrayList<>();
  private volatile boolean capacity = true;
  private final Scheduler scheduler =
      new Scheduler(
          clock,
          Duration.ofSeconds(1),
          Duration.ofMillis(100),
          members,
          cursors,
          f -> cursors.behind(f.jobName(), f.time()),
          (fires, checkFirst) -> claimed.addAll(fires),
          () -> capacity);

  {
    cursors.onMove(scheduler::cursorMoved);
  }

  private Job job(String name, String schedule, String zone) {
    return Job.from(JobSpecs.of(name, schedule, "true").timeZone(zone).build(), clock.instant());
  }

  /** The cursor moves as a successful claim would move it. */
  private void cursor(String job, Instant at) {
    cursors.onPut(kv(keys.cursor(job), Keys.pad(at)));
  }

  private static KeyValue kv(String key, String value) {
    return new KeyValue(
        io.etcd.jetcd.api.KeyValue.newBuilder()
            .setKey(com.google.protobuf.ByteString.copyFromUtf8(key))
            .setValue(com.google.protobuf.ByteString.copyFromUtf8(value))
            .setModRevision(1)
            .build(),
        ByteSequence.EMPTY);
  }

  /** Advances the clock step by step, claiming whatever is handed out. */
  private List<Instant> run(String name, Duration step, Duration total) {
    List<Instant> fires = new ArrayList<>();
    for (Duration t = Duration.ZERO; t.compareTo(total) < 0; t = t.plus(step)) {
      clock.advance(step);
      for (Fire f : scheduler.tick()) {
        fires.add(f.time());
        cursor(f.jobName(), f.time());
      }
      claimed.clear();
    }
    return fires;
  }

  @Test
  void a_daily_job_in_new_york_fires_once_on_the_day_the_clock_springs_forward() {
    ZoneId ny = ZoneId.of("America/New_York");
    cursor("nightly", clock.instant());
    scheduler.upsert(job("nightly", "0 30 2 * * *", "America/New_York"), 1);
    List<Instant> fires = run("nightly", Duration.ofMinutes(5), Duration.ofDays(3));
    assertThat(fires)
        .containsExactly(
            LocalDateTime.parse("2026-03-08T03:30").atZone(ny).toInstant(),
            LocalDateTime.parse("2026-03-09T02:30").atZone(ny).toInstant(),
            LocalDateTime.parse("2026-03-10T02:30").atZone(ny).toInstant());
  }

  @Test
  void an_hourly_job_in_berlin_fires_every_real_hour_across_fall_back() {
    clock.set(Instant.parse("2026-10-24T22:10:00Z"));
    cursor("hourly", clock.instant());
    scheduler.upsert(job("hourly", "@hourly", "Europe/Berlin"), 1);
    List<Instant> fires = run("hourly", Duration.ofMinutes(1), Duration.ofHours(6));
    assertThat(fires).hasSize(6);
    for (int i = 1; i < fires.size(); i++) {
      assertThat(Duration.between(fires.get(i - 1), fires.get(i))).isEqualTo(Duration.ofHours(1));
    }
  }

  @Test
  void a_fixed_time_repeated_by_fall_back_fires_once() {
    clock.set(Instant.parse("2026-10-24T12:00:00Z"));
    cursor("twothirty", clock.instant());
    scheduler.upsert(job("twothirty", "0 30 2 * * *", "Europe/Berlin"), 1);
    List<Instant> fires = run("twothirty", Duration.ofMinutes(5), Duration.ofHours(30));
    assertThat(fires).containsExactly(Instant.parse("2026-10-25T00:30:00Z"));
  }

  @Test
  void a_fire_waits_for_its_predecessor_and_does_not_overtake_it() {
    cursor("seq", clock.instant());
    scheduler.upsert(job("seq", "@every 2s", "UTC"), 1);
    clock.advance(Duration.ofSeconds(2));
    List<Fire> first = scheduler.tick();
    assertThat(first).extracting(Fire::time).containsExactly(Instant.parse("2026-03-07T12:00:02Z"));
    // The claim of 12:00:02 has not landed yet: 12:00:04 must not be handed out.
    clock.advance(Duration.ofSeconds(2));
    assertThat(scheduler.tick()).isEmpty();
    cursor("seq", Instant.parse("2026-03-07T12:00:02Z"));
    // Paced: half a period after the predecessor was seen claimed.
    assertThat(scheduler.tick()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(scheduler.tick())
        .extracting(Fire::time)
        .containsExactly(Instant.parse("2026-03-07T12:00:04Z"));
  }

  @Test
  void fires_missed_while_no_worker_was_up_are_claimed_as_one_catch_up() {
    cursor("late", clock.instant().minus(Duration.ofMinutes(10)));
    scheduler.upsert(job("late", "@every 1m", "UTC"), 1);
    List<Fire> fires = scheduler.tick();
    assertThat(fires).hasSize(1);
    assertThat(fires.get(0).catchUp()).isTrue();
    assertThat(fires.get(0).time()).isEqualTo(Instant.parse("2026-03-07T12:00:00Z"));
  }

  @Test
  void a_paused_job_fires_nothing() {
    cursor("p", clock.instant());
    scheduler.upsert(job("p", "@every 1s", "UTC").withPaused(true), 1);
    assertThat(run("p", Duration.ofSeconds(1), Duration.ofSeconds(10))).isEmpty();
  }

  @Test
  void claims_that_land_late_keep_the_queue_small_and_the_fires_in_order() {
    cursor("lag", clock.instant());
    scheduler.upsert(job("lag", "@every 1s", "UTC"), 1);
    record Landing(Instant at, Fire fire) {}
    java.util.ArrayDeque<Landing> inFlight = new java.util.ArrayDeque<>();
    List<Instant> handedOut = new ArrayList<>();
    int mostQueued = 0;
    for (int step = 0; step < 1200; step++) {
      clock.advance(Duration.ofMillis(100));
      for (Fire f : scheduler.tick()) {
        handedOut.add(f.time());
        // Each claim is seen 2 s after it was handed out: a saturated store or etcd.
        inFlight.add(new Landing(clock.instant().plusSeconds(2), f));
      }
      while (!inFlight.isEmpty() && !inFlight.peek().at().isAfter(clock.instant())) {
        Fire landed = inFlight.poll().fire();
        cursor(landed.jobName(), landed.time());
      }
      mostQueued = Math.max(mostQueued, scheduler.queued());
    }
    assertThat(handedOut).hasSizeGreaterThan(30).isSorted().doesNotHaveDuplicates();
    // One job: its next fire, the fires waiting for their predecessor and one stale check each.
    assertThat(mostQueued).isLessThanOrEqualTo(12);
  }

  @Test
  void claiming_resumes_soon_after_a_long_stretch_without_capacity() {
    cursor("outage", clock.instant());
    scheduler.upsert(job("outage", "@every 1s", "UTC"), 1);
    assertThat(run("outage", Duration.ofMillis(100), Duration.ofSeconds(3))).isNotEmpty();
    capacity = false; // the run store is down, then etcd loses its quorum
    assertThat(run("outage", Duration.ofMillis(100), Duration.ofSeconds(25))).isEmpty();
    capacity = true;
    List<Instant> after = run("outage", Duration.ofMillis(100), Duration.ofSeconds(5));
    assertThat(after).isNotEmpty();
    assertThat(scheduler.queued()).isLessThan(20);
  }
}
