package io.etcron.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What happened to one fire. Immutable; the store keeps one row per id and only moves it forward
 * (see {@link RunStore#upsert(Run)}).
 *
 * @param id job, fire time and trigger
 * @param state where it stands
 * @param startedAt when the current attempt started (absent for SKIPPED, MISSED)
 * @param endedAt when it ended
 * @param worker the worker that ran or recorded it
 * @param fencingToken the revision of its claim; grows with every claim of the job
 * @param attempt 1 for the first attempt, then one more per retry
 * @param exitCode the command's exit code
 * @param signal the signal that ended the command
 * @param reason why it ended, when not obvious ("killed by alice", "timed out after 30s")
 * @param outputTail the last 64 KiB of stdout and stderr
 * @param outputSize bytes of output produced in all
 * @param params the variables a manual run was asked with ({@code trigger {"env": {...}}}), in name
 *     order; empty for a scheduled run
 */
public record Run(
    RunId id,
    RunState state,
    Optional<Instant> startedAt,
    Optional<Instant> endedAt,
    String worker,
    long fencingToken,
    int attempt,
    Optional<Integer> exitCode,
    Optional<Integer> signal,
    String reason,
    String outputTail,
    long outputSize,
    Map<String, String> params) {

  public Run {
    params =
        params == null || params.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(params));
  }

  /** A run that starts its {@code attempt} now. */
  public static Run running(RunId id, String worker, long token, int attempt, Instant startedAt) {
    return new Run(
        id,
        RunState.RUNNING,
        Optional.of(startedAt),
        Optional.empty(),
        worker,
        token,
        attempt,
        Optional.empty(),
        Optional.empty(),
        "",
        "",
        0,
        Map.of());
  }

  /** A fire that did not run because the previous run still held the job. */
  public static Run skipped(RunId id, String worker, long token, String reason, Instant at) {
    return notRun(RunState.SKIPPED, id, worker, token, reason, at);
  }

  /** A fire that did not run because nobody claimed it in time. */
  public static Run missed(RunId id, String worker, long token, String reason, Instant at) {
    return notRun(RunState.MISSED, id, worker, token, reason, at);
  }

  private static Run notRun(
      RunState state, RunId id, String worker, long token, String reason, Instant at) {
    return notStarted(state, id, worker, token, 1, reason, at);
  }

  /**
   * An {@code attempt} that ended as {@code state} before its command started (killed while it
   * waited for its fire time or a retry, or lost with its worker's lease).
   */
  public static Run notStarted(
      RunState state, RunId id, String worker, long token, int attempt, String reason, Instant at) {
    return new Run(
        id,
        state,
        Optional.empty(),
        Optional.of(at),
        worker,
        token,
        attempt,
        Optional.empty(),
        Optional.empty(),
        reason,
        "",
        0,
        Map.of());
  }

  /** This run ended as {@code end}. */
  public Run finished(
      RunState end,
      Optional<Integer> exit,
      Optional<Integer> sig,
      String why,
      String tail,
      long size,
      Instant at) {
    return new Run(
        id,
        end,
        startedAt,
        Optional.of(at),
        worker,
        fencingToken,
        attempt,
        exit,
        sig,
        why,
        tail,
        size,
        params);
  }

  /** This run, lost with its worker. */
  public Run lost(String why, Instant at) {
    return new Run(
        id,
        RunState.LOST,
        startedAt,
        Optional.of(at),
        worker,
        fencingToken,
        attempt,
        exitCode,
        signal,
        why,
        outputTail,
        outputSize,
        params);
  }

  /** This run, asked for with {@code params} (a manual run's variables). */
  public Run withParams(Map<String, String> params) {
    return new Run(
        id,
        state,
        startedAt,
        endedAt,
        worker,
        fencingToken,
        attempt,
        exitCode,
        signal,
        reason,
        outputTail,
        outputSize,
        params);
  }

  public String job() {
    return id.job();
  }

  public Instant fireTime() {
    return id.fireTime();
  }

  public Trigger trigger() {
    return id.trigger();
  }

  /** How long it ran, once ended. */
  public Optional<Duration> duration() {
    return startedAt.flatMap(s -> endedAt.map(e -> Duration.between(s, e)));
  }

  /** This run without its output and parameters, as listings show it. */
  public Run summary() {
    return outputTail.isEmpty() && params.isEmpty()
        ? this
        : new Run(
            id,
            state,
            startedAt,
            endedAt,
            worker,
            fencingToken,
            attempt,
            exitCode,
            signal,
            reason,
            "",
            outputSize,
            Map.of());
  }

  /**
   * Whether {@code incoming} may replace this stored row: a RUNNING row may move on, a later
   * attempt replaces an earlier one; a terminal row is final, except a presumed loss. A LOST with
   * neither exit code nor signal was written by the sweeper for a worker it thought dead; the
   * command's real end, reported later by that worker (a worker frozen past its TTL whose command
   * had exited by itself), replaces it.
   */
  public boolean acceptsUpdate(Run incoming) {
    if (incoming.attempt != attempt) {
      return incoming.attempt > attempt;
    }
    return state == RunState.RUNNING || (isPresumedLoss() && incoming.isReportedEnd());
  }

  /** LOST without a known exit: nobody saw the command end. */
  private boolean isPresumedLoss() {
    return state == RunState.LOST && exitCode.isEmpty() && signal.isEmpty();
  }

  /** An end the worker saw: the command's exit code or signal, in a state other than LOST. */
  private boolean isReportedEnd() {
    return state.isTerminal()
        && state != RunState.LOST
        && (exitCode.isPresent() || signal.isPresent());
  }
}
