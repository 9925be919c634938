package io.etcron.schedule;

/** A schedule expression that cannot be used; the message names what is wrong. */
public final class InvalidScheduleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidScheduleException(String message) {
    super(message);
  }
}
