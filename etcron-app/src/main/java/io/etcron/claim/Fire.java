package io.etcron.claim;

import io.etcron.job.Job;
import io.etcron.run.RunId;
import io.etcron.run.Trigger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A fire of a job that a worker wants to claim.
 *
 * @param job the job's definition as the worker knows it
 * @param version the definition's version
 * @param time the scheduled fire time (for a manual run, when it was asked for)
 * @param trigger scheduled or manual
 * @param triggerKey for a manual run, the request's key (the claim deletes it)
 * @param previous the job's fire just before this one: claimed in order, this fire is claimable
 *     only once the cursor has reached it, so a worker whose clock runs ahead never overtakes it
 * @param catchUp claim even if earlier fires were never claimed (they become missed fires)
 * @param params for a manual run, the variables it was asked with (read from the request's key,
 *     which the claim deletes: whoever owns the run has them); empty otherwise
 * @param parent for a run after a parent's ({@link Trigger#AFTER}), the parent run's id
 */
public record Fire(
    Job job,
    long version,
    Instant time,
    Trigger trigger,
    Optional<String> triggerKey,
    Optional<Instant> previous,
    boolean catchUp,
    Map<String, String> params,
    Optional<String> parent) {

  public Fire {
    params = Map.copyOf(params);
  }

  /** A scheduled fire, claimable once the cursor has reached {@code previous}. */
  public static Fire scheduled(Job job, long version, Instant time, Optional<Instant> previous) {
    return new Fire(
        job,
        version,
        time,
        Trigger.SCHEDULE,
        Optional.empty(),
        previous,
        false,
        Map.of(),
        Optional.empty());
  }

  /** A scheduled fire claimed whatever came before it (after a time with no worker). */
  public static Fire catchUp(Job job, long version, Instant time) {
    return new Fire(
        job,
        version,
        time,
        Trigger.SCHEDULE,
        Optional.empty(),
        Optional.empty(),
        true,
        Map.of(),
        Optional.empty());
  }

  /** A manual run asked for at {@code time} by the request {@code triggerKey}. */
  public static Fire manual(
      Job job, long version, Instant time, String triggerKey, Map<String, String> params) {
    return new Fire(
        job,
        version,
        time,
        Trigger.MANUAL,
        Optional.of(triggerKey),
        Optional.empty(),
        false,
        params,
        Optional.empty());
  }

  /**
   * A run asked for at {@code time} by the end of the parent run {@code parent}, through the
   * request {@code triggerKey}.
   */
  public static Fire after(Job job, long version, Instant time, String triggerKey, String parent) {
    return new Fire(
        job,
        version,
        time,
        Trigger.AFTER,
        Optional.of(triggerKey),
        Optional.empty(),
        false,
        Map.of(),
        Optional.of(parent));
  }

  /** The same fire under a newer definition of its job. */
  public Fire withJob(Job newer, long newVersion) {
    return new Fire(
        newer, newVersion, time, trigger, triggerKey, previous, catchUp, params, parent);
  }

  /** The same fire, claimed whatever came before it. */
  public Fire asCatchUp() {
    return new Fire(
        job, version, time, trigger, triggerKey, Optional.empty(), true, params, parent);
  }

  public String jobName() {
    return job.name().value();
  }

  /** The id of the run this fire becomes. */
  public RunId runId() {
    return new RunId(jobName(), time, trigger, parent.orElse(null));
  }
}
