package io.etcron.master.http;

import io.etcron.job.JobStore;
import io.etcron.run.RunStore;
import java.time.Clock;

/**
 * The handlers of the job routes, made together from the stores they use, for {@link Routes}.
 * Immutable.
 *
 * @param list the job list: listing and applying many jobs at once
 * @param one one job: get, put, delete, pause, resume, trigger, kill
 * @param graph the jobs around one along {@code after} edges
 * @param preview next fire times of a job or of a draft schedule
 */
record JobHandlers(JobListApi list, JobsApi one, JobGraphApi graph, SchedulePreviewApi preview) {
  static JobHandlers of(JobStore jobs, RunStore runs, Clock clock) {
    return new JobHandlers(
        new JobListApi(jobs, runs, clock),
        new JobsApi(jobs, clock),
        new JobGraphApi(jobs),
        new SchedulePreviewApi(jobs, clock));
  }
}
