package io.etcron.master.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * The JSON of every error: {@code {error, message, field?, fields?}}. Absent and empty parts are
 * left out of the JSON.
 *
 * @param error a stable code, e.g. {@code invalid_job}, {@code version_conflict}
 * @param message a sentence for people
 * @param field the field to blame, when there is one
 * @param fields every invalid field with its message (job validation)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record ErrorBody(String error, String message, Optional<String> field, List<FieldMessage> fields) {
  /** One invalid field. */
  record FieldMessage(String field, String message) {}
}
