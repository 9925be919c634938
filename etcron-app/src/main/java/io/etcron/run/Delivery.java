package io.etcron.run;

import io.etcron.job.NotifyEvent;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One notification of one run's event to one target, as the outbox keeps it. Immutable.
 *
 * @param key which run, event and target
 * @param status where it stands
 * @param attempts how often it was tried
 * @param lastError why the last attempt failed
 * @param nextAttemptAt when it is tried next (while pending)
 * @param createdAt when it was enqueued
 * @param updatedAt when it last changed
 */
public record Delivery(
    Key key,
    Status status,
    int attempts,
    Optional<String> lastError,
    Instant nextAttemptAt,
    Instant createdAt,
    Instant updatedAt) {

  /**
   * What makes a delivery unique: enqueueing the same key twice is one delivery.
   *
   * @param run the run
   * @param event what happened to it
   * @param target {@code webhook:URL} or {@code email:ADDRESS} ({@code NotifyRule#targetKey})
   */
  public record Key(RunId run, NotifyEvent event, String target) {
    /** The {@code Idempotency-Key} a receiver sees: the run id and the event. */
    public String idempotencyKey() {
      return run + ":" + event.wire();
    }
  }

  /** Where a delivery stands. */
  public enum Status {
    PENDING,
    DELIVERED,
    /** Retried until the give-up time; {@link Delivery#lastError()} says why. */
    FAILED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A new delivery of {@code key}, due now. */
  public static Delivery pending(Key key, Instant now) {
    return new Delivery(key, Status.PENDING, 0, Optional.empty(), now, now, now);
  }
}
