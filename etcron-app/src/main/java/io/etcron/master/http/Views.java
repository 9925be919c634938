package io.etcron.master.http;

import io.etcron.job.Job;
import io.etcron.job.JobSpec;
import io.etcron.job.JobStore;
import io.etcron.run.Delivery;
import io.etcron.run.JobStats;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.schedule.Fires;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON shapes the API answers with. */
final class Views {
  private Views() {}

  /**
   * A job as the API shows it.
   *
   * @param spec the definition, as it can be PUT back
   * @param version its version (also the ETag)
   * @param schedule the schedule in words
   * @param nextFires the next fire times
   * @param stats its runs over the last 24 hours, when asked for
   * @param recent states of its newest runs, oldest first, when asked for
   */
  record JobView(
      JobSpec spec,
      long version,
      String schedule,
      List<Instant> nextFires,
      Optional<StatsView> stats,
      Optional<List<RecentRun>> recent) {
    static JobView of(JobStore.Versioned v, Instant now, int fires) {
      Job job = v.job();
      List<Instant> next =
          job.paused()
              ? List.of()
              : Fires.nextN(
                  job.schedule(),
                  job.timeZone(),
                  now,
                  fires,
                  t -> job.exclude().reason(t, job.timeZone()).isEmpty(),
                  new ArrayList<>());
      return new JobView(
          job.toSpec(),
          v.version(),
          job.schedule().describe(),
          next,
          Optional.empty(),
          Optional.empty());
    }

    JobView with(StatsView s, List<RecentRun> r) {
      return new JobView(spec, version, schedule, nextFires, Optional.of(s), Optional.of(r));
    }
  }

  /** One of a job's newest runs, for a sparkline. */
  record RecentRun(String id, RunState state, Instant fireTime, Optional<Long> durationMillis) {
    static RecentRun of(Run r) {
      return new RecentRun(
          r.id().toString(), r.state(), r.fireTime(), r.duration().map(Duration::toMillis));
    }
  }

  /** A job's statistics with durations in milliseconds. */
  record StatsView(
      Optional<RunView> last,
      Map<RunState, Long> counts,
      Optional<Double> successRate,
      Optional<Long> p50Millis,
      Optional<Long> p95Millis,
      Optional<Long> p99Millis) {
    static StatsView of(JobStats s) {
      return new StatsView(
          s.last().map(RunView::of),
          s.counts(),
          s.successRate(),
          s.p50().map(Duration::toMillis),
          s.p95().map(Duration::toMillis),
          s.p99().map(Duration::toMillis));
    }
  }

  /**
   * One delivery of a run's notification: where it stands, how often it was tried, why the last
   * attempt failed and when it is tried next (while pending).
   */
  record DeliveryView(
      String event,
      String target,
      String status,
      int attempts,
      Optional<String> lastError,
      Optional<Instant> nextAttemptAt,
      Instant createdAt,
      Instant updatedAt) {
    static DeliveryView of(Delivery d) {
      return new DeliveryView(
          d.key().event().wire(),
          d.key().target(),
          d.status().wire(),
          d.attempts(),
          d.lastError(),
          d.status() == Delivery.Status.PENDING ? Optional.of(d.nextAttemptAt()) : Optional.empty(),
          d.createdAt(),
          d.updatedAt());
    }
  }

  /**
   * A run as the API shows it: listings leave out its output and parameters, one run shows both
   * ({@code params} is {@code {}} when it has none).
   */
  record RunView(
      String id,
      String job,
      Instant fireTime,
      String trigger,
      RunState state,
      Optional<Instant> startedAt,
      Optional<Instant> endedAt,
      Optional<Long> durationMillis,
      String worker,
      long fencingToken,
      int attempt,
      Optional<Integer> exitCode,
      Optional<Integer> signal,
      String reason,
      Optional<String> output,
      long outputSize,
      Optional<Map<String, String>> params) {
    static RunView of(Run r) {
      return new RunView(
          r.id().toString(),
          r.job(),
          r.fireTime(),
          r.trigger().name().toLowerCase(),
          r.state(),
          r.startedAt(),
          r.endedAt(),
          r.duration().map(Duration::toMillis),
          r.worker(),
          r.fencingToken(),
          r.attempt(),
          r.exitCode(),
          r.signal(),
          r.reason(),
          Optional.empty(),
          r.outputSize(),
          r.params().isEmpty() ? Optional.empty() : Optional.of(r.params()));
    }

    static RunView withOutput(Run r) {
      RunView v = of(r);
      return new RunView(
          v.id,
          v.job,
          v.fireTime,
          v.trigger,
          v.state,
          v.startedAt,
          v.endedAt,
          v.durationMillis,
          v.worker,
          v.fencingToken,
          v.attempt,
          v.exitCode,
          v.signal,
          v.reason,
          Optional.of(r.outputTail()),
          v.outputSize,
          Optional.of(r.params()));
    }
  }

  /** A page of runs. */
  record RunsPage(List<RunView> runs, Optional<String> nextCursor) {}

  /** A page of jobs; {@code nextCursor} is the {@code cursor} of the next page, if any. */
  /**
   * A page of jobs.
   *
   * @param total how many jobs there are in all, whatever the filter
   */
  record JobsPage(List<JobView> jobs, Optional<String> nextCursor, long total) {}

  /** A schedule preview. */
  record Preview(
      String schedule,
      String description,
      String timeZone,
      List<Instant> fires,
      List<String> local,
      List<Instant> excluded) {}
}
