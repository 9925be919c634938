package io.etcron.job;

import java.util.Locale;
import java.util.Set;

/**
 * One entry of a job's {@code notify} list: on which events, to which target. Immutable.
 *
 * @param on the events that notify (at least one)
 * @param channel how the target is reached
 * @param target the webhook's absolute http(s) URL, or the email address
 */
public record NotifyRule(Set<NotifyEvent> on, Channel channel, String target) {

  /** How a target is reached. */
  public enum Channel {
    WEBHOOK,
    EMAIL
  }

  public NotifyRule {
    on = Set.copyOf(on);
  }

  /**
   * The target as one string, e.g. {@code webhook:https://hooks.example/x}: with the run id and the
   * event, it names a delivery.
   */
  public String targetKey() {
    return channel.name().toLowerCase(Locale.ROOT) + ":" + target;
  }

  /** Whether {@code event} notifies this target. */
  public boolean wants(NotifyEvent event) {
    return on.contains(event);
  }
}
