package io.etcron.notify;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Posts one webhook: the JSON body, its {@code Idempotency-Key} and, with a secret, its {@link
 * Signature}. Any 2xx answer is a delivery; anything else, or no answer within {@link #TIMEOUT}, is
 * an error to retry. Redirects are not followed. Thread-safe; blocks for one request.
 */
final class WebhookSender {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Characters of an error answer kept as the delivery's last error. */
  private static final int ERROR_BODY = 300;

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final Optional<NotifySettings.Secret> secret;

  WebhookSender(Optional<NotifySettings.Secret> secret) {
    this.secret = secret;
  }

  /** Posts {@code body} to {@code url}; empty when accepted, else what went wrong. */
  Optional<String> post(String url, String event, String idempotencyKey, byte[] body)
      throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("User-Agent", "etcron")
            .header("Idempotency-Key", idempotencyKey)
            .header("X-Etcron-Event", event)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    secret.ifPresent(s -> request.header(Signature.HEADER, Signature.of(s.bytes(), body)));
    try {
      HttpResponse<InputStream> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        if (response.statusCode() / 100 == 2) {
          return Optional.empty();
        }
        String text = new String(in.readNBytes(ERROR_BODY), StandardCharsets.UTF_8).strip();
        return Optional.of(
            "HTTP " + response.statusCode() + " from " + url + (text.isEmpty() ? "" : ": " + text));
      }
    } catch (IOException e) {
      return Optional.of(
          "cannot post to " + url + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
    }
  }
}
