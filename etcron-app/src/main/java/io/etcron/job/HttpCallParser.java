package io.etcron.job;

import io.etcron.schedule.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates a job's {@code http} field, adding an error per invalid part to the job's errors; each
 * names its field as {@code http.url}, {@code http.headers}, and so on. Stateless.
 */
final class HttpCallParser {
  static final int MAX_URL = 8 * 1024;
  static final int MAX_BODY = 64 * 1024;
  static final int MAX_HEADERS = 100;
  static final int MAX_HEADER_VALUE = 8 * 1024;
  static final int MAX_STATUSES = 100;
  static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  /** A header name: an RFC 9110 token. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");

  private static final Pattern CLASS = Pattern.compile("([1-5])xx", Pattern.CASE_INSENSITIVE);

  /** Headers the HTTP client sets itself and refuses from a caller. */
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final List<FieldError> errors;

  private HttpCallParser(List<FieldError> errors) {
    this.errors = errors;
  }

  /**
   * The call {@code spec} describes, or empty when it is invalid (its errors are in {@code
   * errors}).
   *
   * @param jobTimeout the job's timeout: the call's may not be longer, and defaults to it when it
   *     is shorter than {@link HttpCall#DEFAULT_TIMEOUT}
   */
  static Optional<HttpCall> parse(
      JobSpec.HttpSpec spec, Optional<Duration> jobTimeout, List<FieldError> errors) {
    HttpCallParser p = new HttpCallParser(errors);
    int before = errors.size();
    URI url = p.url(spec.url());
    String method = p.method(spec.method());
    Map<String, String> headers = p.headers(spec.headers());
    Optional<String> body = p.body(spec.body(), method);
    ExpectedStatus expect = p.expectStatus(spec.expectStatus());
    Duration timeout = p.timeout(spec.timeout(), jobTimeout);
    if (errors.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new HttpCall(url, method, headers, body, expect, timeout));
  }

  private void error(String field, String message) {
    errors.add(new FieldError("http." + field, "http." + field + ": " + message));
  }

  private URI url(String raw) {
    if (raw == null || raw.isBlank()) {
      error("url", "is required, e.g. \"https://example.com/hooks/nightly\"");
      return null;
    }
    if (raw.length() > MAX_URL) {
      error("url", "is " + raw.length() + " characters long; at most " + MAX_URL + " are allowed");
      return null;
    }
    try {
      URI u = new URI(raw);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!u.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
        error("url", "\"" + raw + "\" must be an absolute http:// or https:// URL");
        return null;
      }
      if (u.getHost() == null || u.getHost().isEmpty()) {
        error("url", "\"" + raw + "\" has no host");
        return null;
      }
      if (u.getRawUserInfo() != null) {
        error("url", "must not carry a user and password: send an Authorization header instead");
        return null;
      }
      return u;
    } catch (URISyntaxException e) {
      error("url", "\"" + raw + "\" is not a URL: " + e.getReason() + " at index " + e.getIndex());
      return null;
    }
  }

  private String method(String raw) {
    if (raw == null || raw.isEmpty()) {
      return HttpCall.DEFAULT_METHOD;
    }
    String m = raw.toUpperCase(Locale.ROOT);
    if (!HttpCall.METHODS.contains(m)) {
      error("method", "\"" + raw + "\" is not one of " + String.join(", ", ordered()));
      return HttpCall.DEFAULT_METHOD;
    }
    return m;
  }

  private static List<String> ordered() {
    return List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  }

  private Map<String, String> headers(Map<String, String> raw) {
    if (raw == null) {
      return Map.of();
    }
    if (raw.size() > MAX_HEADERS) {
      error("headers", "has " + raw.size() + " headers; at most " + MAX_HEADERS + " are allowed");
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
      if (name == null || !TOKEN.matcher(name).matches()) {
        error(
            "headers",
            "\"" + name + "\" is not a header name (letters, digits and !#$%&'*+.^_`|~-)");
      } else if (lower.startsWith(HttpCall.RESERVED_PREFIX.toLowerCase(Locale.ROOT))) {
        error("headers", name + " is reserved: etcron sends the X-Etcron- headers itself");
      } else if (RESTRICTED.contains(lower)) {
        error("headers", name + " is set by the HTTP client itself and may not be given");
      } else if (!seen.add(lower)) {
        error("headers", name + " is given twice (header names ignore case)");
      } else if (value == null) {
        error("headers", name + " has no value");
      } else if (value.length() > MAX_HEADER_VALUE) {
        error("headers", name + " is longer than " + MAX_HEADER_VALUE + " characters");
      } else if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        error("headers", name + " must not contain CR, LF or NUL");
      } else {
        out.put(name, value);
      }
    }
    return out;
  }

  private Optional<String> body(String raw, String method) {
    if (raw == null || raw.isEmpty()) {
      return Optional.empty();
    }
    if (raw.length() > MAX_BODY) {
      error(
          "body", "is " + raw.length() + " characters long; at most " + MAX_BODY + " are allowed");
      return Optional.empty();
    }
    if (method.equals("HEAD")) {
      error("body", "a HEAD request has no body");
      return Optional.empty();
    }
    return Optional.of(raw);
  }

  private ExpectedStatus expectStatus(Object raw) {
    if (raw == null) {
      return ExpectedStatus.DEFAULT;
    }
    List<?> items = raw instanceof List<?> l ? l : List.of(raw);
    if (items.isEmpty()) {
      error("expectStatus", "is empty: give codes and/or classes, e.g. [200, 204, \"3xx\"]");
      return ExpectedStatus.DEFAULT;
    }
    if (items.size() > MAX_STATUSES) {
      error("expectStatus", "has " + items.size() + " entries; at most " + MAX_STATUSES);
      return ExpectedStatus.DEFAULT;
    }
    Set<Integer> codes = new TreeSet<>();
    Set<Integer> classes = new LinkedHashSet<>();
    for (Object item : items) {
      if (item instanceof Integer code) {
        if (code < 100 || code > 599) {
          error("expectStatus", code + " is not a status code (100-599)");
        } else {
          codes.add(code);
        }
      } else if (item instanceof String text) {
        Matcher m = CLASS.matcher(text);
        if (m.matches()) {
          classes.add(Integer.parseInt(m.group(1)));
        } else {
          error(
              "expectStatus",
              "\"" + text + "\" is not a status class (1xx-5xx); write codes as numbers");
        }
      } else {
        error(
            "expectStatus",
            "must be a status code (200), a class (\"2xx\") or a list of them, not "
                + (item instanceof List || item instanceof Map
                    ? "a nested value"
                    : String.valueOf(item)));
      }
    }
    return new ExpectedStatus(codes, classes);
  }

  private Duration timeout(String raw, Optional<Duration> jobTimeout) {
    if (raw == null || raw.isEmpty()) {
      return jobTimeout
          .filter(t -> t.compareTo(HttpCall.DEFAULT_TIMEOUT) < 0)
          .orElse(HttpCall.DEFAULT_TIMEOUT);
    }
    Duration d;
    try {
      d = Durations.parse(raw);
    } catch (IllegalArgumentException e) {
      error("timeout", e.getMessage());
      return HttpCall.DEFAULT_TIMEOUT;
    }
    if (d.compareTo(MIN_TIMEOUT) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
      error(
          "timeout",
          Durations.format(d)
              + " is out of range "
              + Durations.format(MIN_TIMEOUT)
              + "-"
              + Durations.format(MAX_TIMEOUT));
    } else if (jobTimeout.isPresent() && d.compareTo(jobTimeout.get()) > 0) {
      error(
          "timeout",
          Durations.format(d)
              + " is longer than the job's timeout "
              + Durations.format(jobTimeout.get())
              + ": the job's timeout ends the run first");
    }
    return d;
  }
}
