package io.etcron.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * The value of {@code locks/<job>}: the run holding the job.
 *
 * @param worker the worker running it
 * @param run the run id
 * @param fireTime its fire time
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LockHolder(String worker, String run, Instant fireTime) {}
