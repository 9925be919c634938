package io.etcron.worker;

import io.etcron.run.RunState;
import io.etcron.worker.record.RunRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a worker counts, as Micrometer meters (scraped as Prometheus metrics by the master's {@code
 * /metrics}): fires claimed, skipped and missed; runs by outcome; fire lateness (scheduled to
 * started); claim transaction latency; run duration per job; lease keep-alive latency and losses;
 * etcd and run store errors; the recorder's queue depth. Thread-safe.
 */
public final class WorkerMetrics {
  private final MeterRegistry registry;
  private final Counter claimed;
  private final Counter skipped;
  private final Counter missed;
  private final Counter leaseLosses;
  private final Counter etcdErrors;
  private final Counter loopErrors;
  private final DistributionSummary lateness;
  private final Timer claimLatency;
  private final Timer keepAlive;
  private final Map<RunState, Counter> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();

  /**
   * Jobs with meters of their own at most; the runs of further jobs are counted under the job
   * {@value #OTHER_JOBS}. A worker runs up to 100 000 jobs: one timer each would grow its heap by a
   * few hundred MB and every scrape by as many series.
   */
  static final int MAX_JOB_METERS = 1_000;

  /** The job label of the runs of jobs beyond {@link #MAX_JOB_METERS}. */
  static final String OTHER_JOBS = "_other";

  public WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.claimed =
        Counter.builder("etcron.fires.claimed")
            .description("Fires this worker claimed")
            .register(registry);
    this.skipped =
        Counter.builder("etcron.fires.skipped")
            .description("Fires recorded SKIPPED (previous run still running)")
            .register(registry);
    this.missed =
        Counter.builder("etcron.fires.missed")
            .description("Fires recorded MISSED")
            .register(registry);
    this.leaseLosses =
        Counter.builder("etcron.lease.losses")
            .description("Session leases lost")
            .register(registry);
    this.etcdErrors =
        Counter.builder("etcron.etcd.errors")
            .description("etcd requests that failed")
            .register(registry);
    this.loopErrors =
        Counter.builder("etcron.loop.errors")
            .description("Unexpected errors caught at the top of a worker loop")
            .register(registry);
    this.lateness =
        DistributionSummary.builder("etcron.fire.lateness")
            .description("Seconds from a fire's scheduled time to its run's start")
            .baseUnit("seconds")
            .serviceLevelObjectives(0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10)
            .register(registry);
    this.claimLatency =
        Timer.builder("etcron.claim.latency")
            .description("Claim transaction round trips")
            .serviceLevelObjectives(ms(1), ms(2), ms(5), ms(10), ms(20), ms(50), ms(100), ms(500))
            .register(registry);
    this.keepAlive =
        Timer.builder("etcron.lease.keepalive.latency")
            .description("Lease keep-alive round trips")
            .serviceLevelObjectives(ms(1), ms(5), ms(20), ms(100), ms(500), ms(2000))
            .register(registry);
  }

  private static Duration ms(long n) {
    return Duration.ofMillis(n);
  }

  /** Meters of the run recorder (queue depth, failures). */
  void recorder(RunRecorder recorder) {
    Gauge.builder("etcron.runstore.queue.depth", recorder, RunRecorder::depth)
        .description("Run records waiting to be stored")
        .register(registry);
    Gauge.builder("etcron.runstore.errors", recorder, RunRecorder::failures)
        .description("Run store writes that failed")
        .register(registry);
  }

  void claimed(int n) {
    claimed.increment(n);
  }

  void skipped() {
    skipped.increment();
  }

  void missed(int n) {
    missed.increment(n);
  }

  void leaseLost() {
    leaseLosses.increment();
  }

  void loopError() {
    loopErrors.increment();
  }

  void etcdError() {
    etcdErrors.increment();
  }

  void lateness(Duration d) {
    lateness.record(Math.max(0, d.toNanos()) / 1e9);
  }

  void claimLatency(Duration d) {
    claimLatency.record(d);
  }

  void keepAlive(Duration d) {
    keepAlive.record(d);
  }

  /** A run ended: counted by outcome and timed per job. */
  void runEnded(String job, RunState state, Duration duration) {
    outcomes
        .computeIfAbsent(
            state,
            st ->
                Counter.builder("etcron.runs")
                    .tag("outcome", st.name().toLowerCase())
                    .description("Runs ended, by outcome")
                    .register(registry))
        .increment();
    perJob(
            durations,
            job,
            j ->
                Timer.builder("etcron.run.duration")
                    .tag("job", j)
                    .description("Run durations per job")
                    .register(registry))
        .record(duration);
    if (state == RunState.FAILED || state == RunState.TIMED_OUT || state == RunState.LOST) {
      perJob(
              failures,
              job,
              j ->
                  Counter.builder("etcron.job.failures")
                      .tag("job", j)
                      .description("Runs per job that failed, timed out or were lost")
                      .register(registry))
          .increment();
    }
  }

  /** The meter of {@code job}, or of {@link #OTHER_JOBS} once {@link #MAX_JOB_METERS} exist. */
  private static <M> M perJob(Map<String, M> meters, String job, Function<String, M> make) {
    M known = meters.get(job);
    if (known != null) {
      return known;
    }
    String label = meters.size() < MAX_JOB_METERS ? job : OTHER_JOBS;
    return meters.computeIfAbsent(label, make);
  }

  /** Gauge of some value owned by the worker. */
  void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }
}
