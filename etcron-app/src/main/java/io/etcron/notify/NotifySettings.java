package io.etcron.notify;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * How the masters notify. Immutable.
 *
 * @param publicUrl the masters' address as receivers should open it, for links to runs (e.g. {@code
 *     https://cron.example.com/}); empty: the master's own URL
 * @param webhookSecret the key of the webhooks' {@code X-Etcron-Signature}; empty: unsigned
 * @param smtp the SMTP server for email targets; empty: email deliveries fail with that reason
 * @param retry when failed deliveries are tried again
 * @param pollEvery how often the elected master looks for work
 */
public record NotifySettings(
    Optional<URI> publicUrl,
    Optional<Secret> webhookSecret,
    Optional<SmtpSettings> smtp,
    DeliveryRetry retry,
    Duration pollEvery) {
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(1);

  /** No public URL, no secret, no SMTP, default retries. */
  public static final NotifySettings DEFAULT =
      new NotifySettings(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          DeliveryRetry.DEFAULT,
          DEFAULT_POLL);

  public NotifySettings {
    Objects.requireNonNull(retry, "retry");
    if (pollEvery.isNegative() || pollEvery.isZero()) {
      throw new IllegalArgumentException("notification poll " + pollEvery + " must be positive");
    }
    publicUrl.ifPresent(
        u -> {
          if (!u.isAbsolute() || u.getHost() == null) {
            throw new IllegalArgumentException(
                "public-url \"" + u + "\" must be absolute, e.g. https://cron.example.com/");
          }
        });
  }

  /** Secret bytes, never printed. */
  public record Secret(byte[] bytes) {
    public Secret {
      if (bytes.length < 16) {
        throw new IllegalArgumentException(
            "the webhook secret has " + bytes.length + " bytes; use at least 16 (32 random)");
      }
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public String toString() {
      return "Secret[redacted]";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Secret s && Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  public NotifySettings withPublicUrl(Optional<URI> u) {
    return new NotifySettings(u, webhookSecret, smtp, retry, pollEvery);
  }

  public NotifySettings withWebhookSecret(Optional<Secret> s) {
    return new NotifySettings(publicUrl, s, smtp, retry, pollEvery);
  }

  public NotifySettings withSmtp(Optional<SmtpSettings> s) {
    return new NotifySettings(publicUrl, webhookSecret, s, retry, pollEvery);
  }

  public NotifySettings withRetry(DeliveryRetry b) {
    return new NotifySettings(publicUrl, webhookSecret, smtp, b, pollEvery);
  }

  public NotifySettings withPollEvery(Duration d) {
    return new NotifySettings(publicUrl, webhookSecret, smtp, retry, d);
  }
}
