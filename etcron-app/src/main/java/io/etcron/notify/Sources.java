package io.etcron.notify;

import io.etcron.job.JobStore;
import io.etcron.run.Outbox;
import io.etcron.run.RunStore;
import java.time.Clock;

/**
 * What the notifier reads and writes.
 *
 * @param outbox the run store's outbox
 * @param runs the runs, for what a message says
 * @param jobs the jobs, for their {@code notify} lists
 * @param clock the master's clock
 */
public record Sources(Outbox outbox, RunStore runs, JobStore jobs, Clock clock) {}
