package io.etcron.master.http;

import java.util.List;
import java.util.Optional;

/**
 * A request the API refuses, with its status, a stable error code, a message and, when one field is
 * to blame, its name. Mapped to JSON once, in {@link Api}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String error;
  private final transient Optional<String> field;
  private final transient List<ErrorBody.FieldMessage> fields;

  public ApiException(int status, String error, String message) {
    this(status, error, message, Optional.empty(), List.of());
  }

  public ApiException(
      int status,
      String error,
      String message,
      Optional<String> field,
      List<ErrorBody.FieldMessage> fields) {
    super(message);
    this.status = status;
    this.error = error;
    this.field = field;
    this.fields = fields;
  }

  public static ApiException badRequest(String message, String field) {
    return new ApiException(400, "bad_request", message, Optional.ofNullable(field), List.of());
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  public int status() {
    return status;
  }

  public ErrorBody body() {
    return new ErrorBody(error, getMessage(), field, fields.isEmpty() ? null : fields);
  }
}
