package io.etcron.job;

/**
 * One invalid field of a job.
 *
 * @param field the field's name as in the JSON
 * @param message what is wrong, starting with the field name, e.g. {@code schedule: "0 61 * * * *"
 *     minute 61 is out of range 0-59}
 */
public record FieldError(String field, String message) {}
