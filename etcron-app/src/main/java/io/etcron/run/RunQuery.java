package io.etcron.run;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A filter over runs, newest fire first.
 *
 * @param job only this job's runs
 * @param states only runs in one of these states (empty: any)
 * @param worker only runs of this worker
 * @param since only runs fired at or after
 * @param until only runs fired before
 * @param cursor where the previous page ended ({@link RunPage#nextCursor()})
 * @param limit page size, 1 to {@link #MAX_LIMIT}
 */
public record RunQuery(
    Optional<String> job,
    Set<RunState> states,
    Optional<String> worker,
    Optional<Instant> since,
    Optional<Instant> until,
    Optional<String> cursor,
    int limit) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  public RunQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit " + limit + " is out of range 1-" + MAX_LIMIT);
    }
    states = Set.copyOf(states);
  }

  /** Every run, newest first, one default page. */
  public static RunQuery all() {
    return new RunQuery(
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        DEFAULT_LIMIT);
  }

  public RunQuery forJob(String j) {
    return new RunQuery(Optional.of(j), states, worker, since, until, cursor, limit);
  }

  public RunQuery inStates(Set<RunState> s) {
    return new RunQuery(job, s, worker, since, until, cursor, limit);
  }

  public RunQuery ofWorker(String w) {
    return new RunQuery(job, states, Optional.of(w), since, until, cursor, limit);
  }

  public RunQuery between(Optional<Instant> from, Optional<Instant> to) {
    return new RunQuery(job, states, worker, from, to, cursor, limit);
  }

  public RunQuery after(Optional<String> c) {
    return new RunQuery(job, states, worker, since, until, c, limit);
  }

  public RunQuery limit(int l) {
    return new RunQuery(job, states, worker, since, until, cursor, l);
  }
}
