package io.etcron.store;

import java.time.Instant;

/**
 * A manual run request stored at {@code triggers/<job>/<millis>}; the worker that deletes the key
 * in its claim transaction owns the run.
 *
 * @param at when it was asked for (the run's fire time)
 * @param by who asked
 */
public record TriggerRequest(Instant at, String by) {}
