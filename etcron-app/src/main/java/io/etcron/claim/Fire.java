package io.etcron.claim;

import io.etcron.job.Job;
import io.etcron.run.RunId;
import io.etcron.run.Trigger;
import java.time.Instant;
import java.util.Optional;

/**
 * A fire of a job that a worker wants to claim.
 *
 * @param job the job's definition as the worker knows it
 * @param version the definition's version
 * @param time the scheduled fire time (for a manual run, when it was asked for)
 * @param trigger scheduled or manual
 * @param triggerKey for a manual run, the request's key (the claim deletes it)
 */
public record Fire(Job job, long version, Instant time, Trigger trigger, Optional<String> triggerKey) {

  public static Fire scheduled(Job job, long version, Instant time) {
    return new Fire(job, version, time, Trigger.SCHEDULE, Optional.empty());
  }

  public static Fire manual(Job job, long version, Instant time, String triggerKey) {
    return new Fire(job, version, time, Trigger.MANUAL, Optional.of(triggerKey));
  }

  public String jobName() {
    return job.name().value();
  }

  /** The id of the run this fire becomes. */
  public RunId runId() {
    return new RunId(jobName(), time, trigger);
  }
}
