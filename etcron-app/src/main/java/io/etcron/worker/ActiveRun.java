package io.etcron.worker;

import io.etcron.claim.Fire;
import io.etcron.execute.Execution;
import io.etcron.lock.Session;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

/**
 * One run this worker executes, across its attempts, tied to the session that claimed it: no
 * attempt starts once that session has ended or the run was killed. Between attempts (waiting for
 * its fire time, or a retry's backoff) a run has a pending start instead of an execution; a kill
 * then cancels the start and the run ends at once, without running its command again. Mutable;
 * guarded by its own monitor.
 */
final class ActiveRun {
  final Fire fire;
  final long fencingToken;
  final Session session;
  private Run record;
  private Execution execution;
  private ScheduledFuture<?> timeout;
  private ScheduledFuture<?> pendingStart;
  private Runnable pendingGo;
  private RunState killedAs;
  private String killReason;
  private Duration killGrace = Duration.ZERO;

  ActiveRun(Fire fire, long fencingToken, Session session, Run record) {
    this.fire = fire;
    this.fencingToken = fencingToken;
    this.session = session;
    this.record = record;
  }

  synchronized Run record() {
    return record;
  }

  /**
   * Why the next attempt must not start, if it must not: the run was killed, or the session that
   * claimed it has ended (its lease may have expired, and another worker may run the job).
   */
  synchronized Optional<String> refusal() {
    if (killedAs != null) {
      return Optional.of(killReason);
    }
    if (!session.isAlive()) {
      return Optional.of("not started: the worker's lease ended before the run could start");
    }
    return Optional.empty();
  }

  /** The state a run that did not start ends in: its kill's, else LOST (its session ended). */
  synchronized RunState refusedAs() {
    return killedAs != null ? killedAs : RunState.LOST;
  }

  /**
   * Records a start waiting on a timer. Returns false if the run was killed meanwhile: the caller
   * then cancels the timer and ends the run.
   */
  synchronized boolean waiting(ScheduledFuture<?> start, Runnable go) {
    this.pendingStart = start;
    this.pendingGo = go;
    this.execution = null;
    return killedAs == null;
  }

  /** The attempt now executing. If the run was killed meanwhile, kills the execution at once. */
  synchronized void attempt(Run running, Execution execution, ScheduledFuture<?> timeout) {
    this.record = running;
    this.execution = execution;
    this.timeout = timeout;
    this.pendingStart = null;
    this.pendingGo = null;
    if (killedAs != null) {
      execution.kill(killGrace);
    }
  }

  /**
   * Marks the run to end as {@code state} for {@code reason} and kills its process tree. The first
   * kill wins: a timeout does not turn a LOST run into TIMED_OUT.
   *
   * @return when the run had no live execution and its pending start was cancelled, that start: the
   *     caller runs it now, and it ends the run without starting the command
   */
  synchronized Optional<Runnable> kill(RunState state, String reason, Duration grace) {
    if (killedAs == null) {
      killedAs = state;
      killReason = reason;
      killGrace = grace;
    }
    if (execution != null) {
      execution.kill(grace);
      return Optional.empty();
    }
    if (pendingStart != null && pendingStart.cancel(false)) {
      Runnable go = pendingGo;
      pendingStart = null;
      pendingGo = null;
      return Optional.of(go);
    }
    return Optional.empty();
  }

  synchronized boolean killed() {
    return killedAs != null;
  }

  synchronized RunState killedAs() {
    return killedAs;
  }

  synchronized String killReason() {
    return killReason;
  }

  synchronized void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }
}
