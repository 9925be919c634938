package io.etcron.worker;

import io.etcron.claim.Claim;
import io.etcron.claim.Fire;
import io.etcron.job.Job;
import io.etcron.job.MisfirePolicy;
import io.etcron.run.Trigger;
import io.etcron.schedule.Fires;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the owner of a claimed fire does with it and with the fires before it that nobody claimed
 * (those between the previous cursor and the claimed fire): run, record MISSED, or record SKIPPED.
 * Pure logic.
 *
 * @param run fires to run, oldest first, one after the other
 * @param missed fires recorded MISSED, with why
 * @param skipped the fire recorded SKIPPED because the previous run still holds the job
 * @param unrecorded missed fires beyond the recording bound, counted in the last MISSED reason
 * @param excluded fires on a day the job excludes ({@code exclude}), recorded SKIPPED with why: a
 *     scheduled fire or a run after a parent's (a manual run runs whatever the day)
 */
record MisfirePlan(
    List<Fire> run,
    List<Missed> missed,
    Optional<Fire> skipped,
    long unrecorded,
    List<Missed> excluded) {

  /** At most this many missed fires get a record each per claim. */
  static final int MAX_MISSED_RECORDS = 10_000;

  /** Without a starting deadline, policy {@code skip} still runs a fire claimed this late. */
  static final Duration SKIP_LATENESS = Duration.ofSeconds(10);

  /** A fire that did not run. */
  record Missed(Fire fire, String reason) {}

  static MisfirePlan of(Claim claim, Instant now) {
    Fire fire = claim.fire();
    Job job = fire.job();
    List<Missed> missed = new ArrayList<>();
    List<Fire> candidates = new ArrayList<>();
    long unrecorded = 0;
    if (fire.trigger() == Trigger.SCHEDULE && claim.previousCursor().isPresent()) {
      Instant from = claim.previousCursor().get();
      List<Instant> gap =
          Fires.between(job.schedule(), job.timeZone(), from, fire.time(), MAX_MISSED_RECORDS);
      if (gap.size() == MAX_MISSED_RECORDS) {
        unrecorded = Fires.count(job.schedule(), job.timeZone(), from, fire.time()) - gap.size();
      }
      for (Instant t : gap) {
        candidates.add(Fire.catchUp(job, fire.version(), t));
      }
    }
    if (claim.busyWith().isPresent()) {
      candidates.forEach(f -> missed.add(new Missed(f, "missed: no worker claimed it in time")));
      return new MisfirePlan(List.of(), missed, Optional.of(fire), unrecorded, List.of())
          .withoutExcludedDays(job);
    }
    MisfirePolicy policy = fire.trigger() != Trigger.SCHEDULE ? MisfirePolicy.ONCE : job.misfire();
    List<Fire> run = new ArrayList<>();
    switch (policy) {
      case SKIP -> {
        candidates.forEach(
            f ->
                missed.add(
                    new Missed(f, "missed: no worker claimed it in time (misfire policy skip)")));
        Duration lateness = Duration.between(fire.time(), now);
        if (fire.trigger() == Trigger.SCHEDULE
            && lateness.compareTo(job.startingDeadline().orElse(SKIP_LATENESS)) > 0) {
          missed.add(
              new Missed(
                  fire,
                  "missed: claimed " + lateness.toSeconds() + "s late (misfire policy skip)"));
        } else {
          run.add(fire);
        }
      }
      case ONCE -> {
        candidates.forEach(
            f ->
                missed.add(
                    new Missed(f, "missed: a later fire ran instead (misfire policy once)")));
        run.add(fire);
      }
      case ALL -> {
        candidates.add(fire);
        int keep = Math.min(candidates.size(), job.maxCatchUp());
        List<Fire> older = candidates.subList(0, candidates.size() - keep);
        older.forEach(
            f ->
                missed.add(
                    new Missed(
                        f,
                        "missed: beyond maxCatchUp "
                            + job.maxCatchUp()
                            + " (misfire policy all)")));
        run.addAll(candidates.subList(candidates.size() - keep, candidates.size()));
      }
    }
    // A fire older than the starting deadline is recorded MISSED instead of run.
    Optional<Duration> deadline = job.startingDeadline();
    if (deadline.isPresent()) {
      List<Fire> late =
          run.stream()
              .filter(f -> Duration.between(f.time(), now).compareTo(deadline.get()) > 0)
              .toList();
      run.removeAll(late);
      late.forEach(
          f ->
              missed.add(
                  new Missed(
                      f,
                      "missed: older than the starting deadline "
                          + deadline.get().toSeconds()
                          + "s")));
    }
    missed.sort((a, b) -> a.fire().time().compareTo(b.fire().time()));
    return new MisfirePlan(run, missed, Optional.empty(), unrecorded, List.of())
        .withoutExcludedDays(job);
  }

  /**
   * The plan with the fires on excluded days moved to {@link #excluded}: they neither run nor count
   * as missed (nothing was lost: the job asked not to run then).
   */
  private MisfirePlan withoutExcludedDays(Job job) {
    if (job.exclude().isNone()) {
      return this;
    }
    List<Missed> out = new ArrayList<>();
    List<Fire> keepRun = new ArrayList<>();
    for (Fire f : run) {
      Optional<String> why = excludedBecause(job, f);
      if (why.isPresent()) {
        out.add(new Missed(f, why.get()));
      } else {
        keepRun.add(f);
      }
    }
    List<Missed> keepMissed = new ArrayList<>();
    for (Missed m : missed) {
      Optional<String> why = excludedBecause(job, m.fire());
      if (why.isPresent()) {
        out.add(new Missed(m.fire(), why.get()));
      } else {
        keepMissed.add(m);
      }
    }
    Optional<Fire> busy = skipped.filter(f -> excludedBecause(job, f).isEmpty());
    skipped
        .filter(f -> busy.isEmpty())
        .ifPresent(f -> out.add(new Missed(f, excludedBecause(job, f).orElseThrow())));
    out.sort((a, b) -> a.fire().time().compareTo(b.fire().time()));
    return new MisfirePlan(keepRun, keepMissed, busy, unrecorded, out);
  }

  private static Optional<String> excludedBecause(Job job, Fire f) {
    return f.trigger() == Trigger.MANUAL
        ? Optional.empty()
        : job.exclude().reason(f.time(), job.timeZone());
  }
}
