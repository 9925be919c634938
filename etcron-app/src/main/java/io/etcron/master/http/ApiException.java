package io.etcron.master.http;

import java.util.List;
import java.util.Optional;

/**
 * A request the API refuses: an {@link ApiError}, a message and, when one field is to blame, its
 * name. Thrown by handlers and mapped to JSON once, by {@link ErrorMapper}. Immutable.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ApiError error;
  private final transient Optional<String> field;
  private final transient List<ErrorBody.FieldMessage> fields;

  ApiException(
      ApiError error, String message, Optional<String> field, List<ErrorBody.FieldMessage> fields) {
    super(message);
    this.error = error;
    this.field = field;
    this.fields = List.copyOf(fields);
  }

  ApiError error() {
    return error;
  }

  ErrorBody body() {
    return new ErrorBody(error.code(), getMessage(), field, fields);
  }
}
