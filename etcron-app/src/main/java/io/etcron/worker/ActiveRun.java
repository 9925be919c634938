package io.etcron.worker;

import io.etcron.claim.Fire;
import io.etcron.execute.Execution;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/** One run this worker executes, across its attempts. Mutable; guarded by its own monitor. */
final class ActiveRun {
  final Fire fire;
  final long fencingToken;
  private Run record;
  private Execution execution;
  private ScheduledFuture<?> timeout;
  private RunState killedAs;
  private String killReason;

  ActiveRun(Fire fire, long fencingToken, Run record) {
    this.fire = fire;
    this.fencingToken = fencingToken;
    this.record = record;
  }

  synchronized Run record() {
    return record;
  }

  synchronized void attempt(Run running, Execution execution, ScheduledFuture<?> timeout) {
    this.record = running;
    this.execution = execution;
    this.timeout = timeout;
  }

  /**
   * Marks the run to end as {@code state} for {@code reason} and kills its process tree. The first
   * kill wins: a timeout does not turn a LOST run into TIMED_OUT.
   */
  synchronized void kill(RunState state, String reason, Duration grace) {
    if (killedAs == null) {
      killedAs = state;
      killReason = reason;
    }
    if (execution != null) {
      execution.kill(grace);
    }
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
