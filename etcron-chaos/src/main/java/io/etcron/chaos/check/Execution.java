package io.etcron.chaos.check;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One execution of a job's command, as the command itself logged it: its start, its last sign of
 * life (a heartbeat every ~100 ms, its end, or its reaction to SIGTERM) and, when it ran to its
 * end, its exit code. A command killed with SIGKILL logs no end; its last heartbeat bounds its
 * death from below.
 *
 * @param job the job's name
 * @param runId the run id the worker gave it ({@code ETCRON_RUN_ID})
 * @param attempt the attempt number ({@code ETCRON_ATTEMPT})
 * @param token the fencing token ({@code ETCRON_FENCING_TOKEN})
 * @param worker the worker that started it ({@code ETCRON_WORKER})
 * @param pid the command's process id
 * @param start when it logged its start
 * @param lastAlive its last logged event
 * @param exitCode the exit code it chose, present when it logged its natural end
 * @param terminated whether it logged receiving SIGTERM
 */
public record Execution(
    String job,
    String runId,
    int attempt,
    long token,
    String worker,
    long pid,
    Instant start,
    Instant lastAlive,
    Optional<Integer> exitCode,
    boolean terminated) {

  public Execution {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(lastAlive, "lastAlive");
    Objects.requireNonNull(exitCode, "exitCode");
  }

  /** The same execution with another last sign of life. */
  public Execution withLastAlive(Instant newLastAlive) {
    return new Execution(
        job, runId, attempt, token, worker, pid, start, newLastAlive, exitCode, terminated);
  }

  /** The same execution with another fencing token. */
  public Execution withToken(long newToken) {
    return new Execution(
        job, runId, attempt, newToken, worker, pid, start, lastAlive, exitCode, terminated);
  }

  /** The same execution with another exit code. */
  public Execution withExitCode(int code) {
    return new Execution(
        job, runId, attempt, token, worker, pid, start, lastAlive, Optional.of(code), terminated);
  }

  /** Whether it ran to its natural end (it logged its exit code). */
  public boolean ended() {
    return exitCode.isPresent();
  }

  /** A short description for reports. */
  public String describe() {
    return runId
        + " attempt "
        + attempt
        + " on "
        + worker
        + " pid "
        + pid
        + " ["
        + start
        + " .. "
        + lastAlive
        + "]"
        + exitCode.map(c -> " exit " + c).orElse(terminated ? " TERM" : "");
  }
}
