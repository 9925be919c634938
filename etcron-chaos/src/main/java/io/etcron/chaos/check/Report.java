package io.etcron.chaos.check;

import java.util.List;
import java.util.Map;

/**
 * The checker's figures. Every {@code int} field named in {@link #violations()} counts one kind of
 * broken promise, each fire, run or execution at most once per kind; the others describe the run.
 *
 * @param executions executions logged by the commands
 * @param records rows in the run store
 * @param claims claimed fires seen in etcd
 * @param recordsByState rows per state
 * @param duplicates G1: fires executed twice (one attempt started twice, or on two workers)
 * @param forbidOverlaps G2: executions of a {@code forbid} job that started while another execution
 *     of it was alive
 * @param maxOverlapMillis the longest of those overlaps
 * @param outlivedLease G2: executions alive on a killed or frozen worker after its lease could
 *     expire, or started after the worker woke for a fire claimed before it froze
 * @param firesWithoutRecord G3: due or claimed fires with no record at the end
 * @param doubleRecords G1/G4: fires with two rows, or executed but recorded SKIPPED or MISSED
 * @param finishedWithoutRecord G4: runs whose command logged its end but whose record is missing or
 *     still RUNNING
 * @param completedAfterLost G4: runs recorded LOST whose command ran on to exit 0
 * @param tokenOrder fencing tokens out of order per job, or different for one run
 * @param slowFailovers failovers longer than TTL + grace + the job's period + 1 s
 * @param failoverMillis each failover: from a worker's kill or freeze to the next start of one of
 *     its {@code forbid} jobs on another worker
 * @param failoverByFault the same failovers per worker fault ({@code KILL w2 at <time>})
 * @param failoverBoundMillis the bound {@code slowFailovers} uses for a 1 s job
 * @param skippedBehindPhantom SKIPPED records naming a holder run that has no record and never
 *     executed (a symptom of fires without a record)
 * @param examples up to five descriptions per kind of violation
 */
public record Report(
    int executions,
    int records,
    int claims,
    Map<String, Integer> recordsByState,
    int duplicates,
    int forbidOverlaps,
    long maxOverlapMillis,
    int outlivedLease,
    int firesWithoutRecord,
    int doubleRecords,
    int finishedWithoutRecord,
    int completedAfterLost,
    int tokenOrder,
    int slowFailovers,
    List<Long> failoverMillis,
    Map<String, List<Long>> failoverByFault,
    long failoverBoundMillis,
    int skippedBehindPhantom,
    Map<String, List<String>> examples) {

  /** The sum of every kind of violation; 0 when every guarantee held. */
  public int violations() {
    return duplicates
        + forbidOverlaps
        + outlivedLease
        + firesWithoutRecord
        + doubleRecords
        + finishedWithoutRecord
        + completedAfterLost
        + tokenOrder
        + slowFailovers;
  }
}
