package io.etcron.chaos.check;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the checker reads, already loaded.
 *
 * @param jobs the job mix
 * @param executions what the commands logged
 * @param records the run store's rows
 * @param claims the fires etcd says were claimed
 * @param workerFaults the faults injected into workers
 * @param dueUntil fires up to this time must have a record (the end minus a settle margin)
 * @param endedBefore ends logged before this time must have a finished record
 * @param ttl the workers' lease TTL
 * @param grace the takeover grace of the workers
 */
public record History(
    List<JobDef> jobs,
    List<Execution> executions,
    List<RunRecord> records,
    List<ClaimedFire> claims,
    List<WorkerFault> workerFaults,
    Instant dueUntil,
    Instant endedBefore,
    Duration ttl,
    Duration grace) {

  public History {
    jobs = List.copyOf(jobs);
    executions = List.copyOf(executions);
    records = List.copyOf(records);
    claims = List.copyOf(claims);
    workerFaults = List.copyOf(workerFaults);
    Objects.requireNonNull(dueUntil, "dueUntil");
    Objects.requireNonNull(endedBefore, "endedBefore");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(grace, "grace");
  }
}
