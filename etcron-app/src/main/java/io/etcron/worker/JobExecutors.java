package io.etcron.worker;

import io.etcron.execute.Executor;
import io.etcron.job.Job;

/**
 * The executors of a worker, picked per job: an HTTP job's call goes to {@code http}, whatever runs
 * the commands. Immutable.
 *
 * @param commands runs the jobs with a command
 * @param http makes the calls of HTTP jobs
 */
record JobExecutors(Executor commands, Executor http) {
  /** The executor of {@code job}. */
  Executor of(Job job) {
    return job.http().isPresent() ? http : commands;
  }
}
