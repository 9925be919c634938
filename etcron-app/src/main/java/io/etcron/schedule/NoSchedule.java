package io.etcron.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Never fires by itself: the schedule of a job that runs only after its parents (its {@code after}
 * field) or when triggered. Its expression is empty.
 */
public record NoSchedule() implements Schedule {

  /** The one instance. */
  public static final NoSchedule INSTANCE = new NoSchedule();

  @Override
  public Optional<Instant> next(Instant after, ZoneId zone) {
    return Optional.empty();
  }

  @Override
  public Optional<Instant> previous(Instant before, ZoneId zone) {
    return Optional.empty();
  }

  @Override
  public String expression() {
    return "";
  }

  @Override
  public String describe() {
    return "no schedule: runs after its parents or when triggered";
  }

  @Override
  public Kind kind() {
    return Kind.NONE;
  }
}
