package io.etcron.job;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What an HTTP job does instead of running a command: one request, made by the worker itself.
 * Validated by the job's parser; immutable.
 *
 * @param url an absolute {@code http} or {@code https} URL
 * @param method one of {@link #METHODS}
 * @param headers sent with the request (names are HTTP tokens, values have no CR or LF), in name
 *     order
 * @param body sent as the request's body, UTF-8; empty for none
 * @param expectStatus the statuses that make the run succeed
 * @param timeout how long the whole exchange may take, body included
 */
public record HttpCall(
    URI url,
    String method,
    Map<String, String> headers,
    Optional<String> body,
    ExpectedStatus expectStatus,
    Duration timeout) {

  /** The methods a job may use. */
  public static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  public static final String DEFAULT_METHOD = "GET";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The prefix of the headers etcron sends itself ({@code X-Etcron-Run-Id}, ...). */
  public static final String RESERVED_PREFIX = "X-Etcron-";

  public HttpCall {
    headers = Collections.unmodifiableMap(new TreeMap<>(headers));
  }

  /** The same call with {@code extra} headers added over its own. */
  public HttpCall withHeaders(Map<String, String> extra) {
    Map<String, String> all = new TreeMap<>(headers);
    all.putAll(extra);
    return new HttpCall(url, method, all, body, expectStatus, timeout);
  }
}
