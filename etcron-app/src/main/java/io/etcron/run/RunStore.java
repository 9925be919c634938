package io.etcron.run;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where runs are kept: the SQL store in production, an in-memory one in tests. Every implementation
 * passes the same contract tests. Thread-safe; calls block for one round trip to the store and
 * throw {@link RunStoreException} when it fails.
 */
public interface RunStore extends AutoCloseable {

  /**
   * Writes a run, idempotently by id: the same run written twice is one row. The row only moves
   * forward ({@link Run#acceptsUpdate(Run)}): a late RUNNING never overwrites an end, a LOST never
   * overwrites a SUCCEEDED of the same attempt, and vice versa.
   */
  default void upsert(Run run) {
    upsertAll(List.of(run));
  }

  /** {@link #upsert(Run)} for many runs, in one transaction. */
  void upsertAll(List<Run> runs);

  /**
   * {@link #upsertAll(List)}, noting for notifications only the ends of the runs {@code noted}
   * accepts (a writer that knows which jobs have notification targets spares the store a note of
   * every other end). A store without notifications ignores it.
   */
  default void upsertAll(List<Run> runs, Predicate<Run> noted) {
    upsertAll(runs);
  }

  /** RUNNING → LOST, only if still RUNNING; returns whether it changed. */
  boolean markLost(RunId id, String reason, Instant at);

  /** One run, with its output. */
  Optional<Run> get(RunId id);

  /** Runs matching the query, newest fire first, without output. */
  RunPage query(RunQuery query);

  /** Runs RUNNING now, of every job (without output). */
  List<Run> running();

  /** The newest {@code perJob} runs of each of {@code jobs}, oldest first, without output. */
  Map<String, List<Run>> recent(Collection<String> jobs, int perJob);

  /** Statistics of each of {@code jobs} over runs fired since {@code since}. */
  Map<String, JobStats> stats(Collection<String> jobs, Instant since);

  /** Statistics of one job. */
  default JobStats stats(String job, Instant since) {
    return stats(List.of(job), since).getOrDefault(job, JobStats.empty(job));
  }

  /**
   * Stores a chunk of a run's live output: {@code offset} is its position in the run's whole
   * output; re-sending a chunk changes nothing. Keeps at least the last 64 KiB of each run.
   */
  void appendOutput(RunId id, long offset, byte[] chunk);

  /** The stored output of a run from {@code fromOffset} (or from the oldest byte still kept). */
  OutputSlice readOutput(RunId id, long fromOffset);

  /** Deletes what the policy says is too old or too many; never a RUNNING run. Returns how many. */
  int applyRetention(RetentionPolicy policy, Instant now);

  /** The notification outbox kept with the runs; none for stores that keep no outbox. */
  default Optional<Outbox> outbox() {
    return Optional.empty();
  }

  @Override
  void close();
}
