package io.etcron.job;

import java.util.List;
import java.util.stream.Collectors;

/** A job definition with invalid fields: every one of them is listed. */
public final class InvalidJobException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final transient List<FieldError> errors;

  public InvalidJobException(List<FieldError> errors) {
    super(errors.stream().map(FieldError::message).collect(Collectors.joining("; ")));
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }
}
