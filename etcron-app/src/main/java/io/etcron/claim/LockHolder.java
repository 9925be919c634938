package io.etcron.claim;

import java.time.Instant;

/**
 * The value of {@code locks/<job>}: the run holding the job.
 *
 * @param worker the worker running it
 * @param run the run id
 * @param fireTime its fire time
 */
public record LockHolder(String worker, String run, Instant fireTime) {}
