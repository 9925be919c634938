package io.etcron.job;

import java.util.Locale;
import java.util.Optional;

/** A run outcome a job can be notified of ({@code notify[].on}). */
public enum NotifyEvent {
  FAILED,
  TIMED_OUT,
  LOST,
  MISSED,
  KILLED,
  /** A SUCCEEDED run whose job's previous finished run was not successful. */
  RECOVERED,
  /** A run still not finished its job's {@code sla} after its fire time. */
  LATE;

  /** As written in a job: {@code timed_out}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The event written as {@code value} ({@code failed}, {@code timed_out}...), if any. */
  public static Optional<NotifyEvent> parse(String value) {
    for (NotifyEvent e : values()) {
      if (e.wire().equals(value)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
