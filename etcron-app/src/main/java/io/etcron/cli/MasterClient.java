package io.etcron.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.json.Json;
import io.etcron.tls.Pem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The CLI's client of the master's API: JSON in and out, errors as {@link CliException}. Over https
 * it speaks HTTP/2 or HTTP/1.1, whichever the master offers, and trusts the system's CAs or, with
 * {@code --ca}, only the ones in that file.
 */
final class MasterClient {
  private final String base;
  private final String token;
  private final Optional<Path> ca;
  private final HttpClient http;

  MasterClient(String base, String token, Optional<Path> ca) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
    this.ca = ca;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    ca.ifPresent(f -> b.sslContext(Pem.trusting(f, "the CA file (--ca)")));
    this.http = b.build();
  }

  /** A response the master accepted (2xx). */
  record Answer(int status, JsonNode json, Map<String, List<String>> headers) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .findFirst()
          .map(e -> e.getValue().get(0))
          .orElse(null);
    }
  }

  Answer get(String path) {
    return send("GET", path, null, Map.of());
  }

  Answer put(String path, Object body, Map<String, String> headers) {
    return send("PUT", path, Json.write(body), headers);
  }

  Answer post(String path) {
    return send("POST", path, "", Map.of());
  }

  Answer post(String path, Object body) {
    return send("POST", path, Json.write(body), Map.of());
  }

  Answer delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  /** Sends a request; 4xx becomes exit code 3, unreachable or 5xx exit code 69. */
  Answer send(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b;
    try {
      b = HttpRequest.newBuilder(URI.create(base + path));
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE, "\"" + base + "\" is not a server URL like http://127.0.0.1:8080");
    }
    b.timeout(Duration.ofSeconds(30))
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
    if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (SSLException e) {
      throw new CliException(ExitCodes.USAGE, tlsFailure(e));
    } catch (ConnectException | HttpTimeoutException e) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "cannot reach the master at "
              + base
              + " (is `etcron standalone` or `etcron master` running? set --server or ETCRON_SERVER)");
    } catch (IOException e) {
      String why = String.valueOf(e.getMessage());
      if (base.startsWith("http://") && why.startsWith("parsing HTTP")) {
        // What a TLS port answers a plain HTTP request with: an alert, not a status line.
        throw new CliException(
            ExitCodes.USAGE,
            "the master at "
                + base
                + " does not answer plain HTTP: if it serves HTTPS, use https://");
      }
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "talking to the master at "
              + base
              + " failed: "
              + why
              + (base.startsWith("http://") ? " (if the master serves HTTPS, use https://)" : ""));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILURE, "interrupted");
    }
    JsonNode json = null;
    try {
      json = r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      // not JSON: reported below if it is an error
    }
    if (r.statusCode() >= 200 && r.statusCode() < 300) {
      return new Answer(r.statusCode(), json, r.headers().map());
    }
    String message =
        json != null && json.has("message")
            ? json.get("message").asText()
            : "HTTP " + r.statusCode();
    if (json != null && json.has("fields")) {
      StringBuilder all = new StringBuilder(message.isEmpty() ? "invalid job" : "invalid job:");
      json.get("fields").forEach(f -> all.append("\n  ").append(f.get("message").asText()));
      message = all.toString();
    }
    int code = r.statusCode() >= 500 ? ExitCodes.UNAVAILABLE : ExitCodes.REFUSED;
    throw new CliException(code, message, r.statusCode());
  }

  /** What went wrong in the TLS handshake, and what to do about it. */
  private String tlsFailure(SSLException e) {
    String why = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      why = t.getMessage() != null ? t.getMessage() : why;
      if (t instanceof java.security.cert.CertPathValidatorException
          || t instanceof java.security.cert.CertPathBuilderException) {
        return "the master at "
            + base
            + " presents a certificate not signed by "
            + ca.map(f -> "the CA in --ca " + f).orElse("a CA this machine trusts")
            + ": give --ca FILE (or ETCRON_CA) with the PEM certificate of the CA that signed it";
      }
    }
    if (why != null && (why.contains("subject alternative") || why.contains("No name matching"))) {
      return "the master's certificate is not made out for the host in "
          + base
          + " ("
          + why
          + "): use a name or address the certificate names";
    }
    if (why != null && why.contains("Unsupported or unrecognized SSL message")) {
      return "the master at "
          + base
          + " does not speak TLS: use http://, or start it with --tls-cert";
    }
    return "the TLS handshake with the master at "
        + base
        + " failed: "
        + why
        + " (does it serve HTTPS? if not, use http://)";
  }
}
