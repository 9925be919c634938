package io.etcron.master;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small JSON HTTP client for API tests. */
final class HttpTestClient {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  HttpTestClient(String base, String token) {
    this.base = base;
    this.token = token;
  }

  HttpTestClient as(String otherToken) {
    return new HttpTestClient(base, otherToken);
  }

  record Response(
      int status, JsonNode json, String body, Map<String, java.util.List<String>> headers) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .findFirst()
          .map(e -> e.getValue().get(0))
          .orElse(null);
    }
  }

  Response get(String path) throws Exception {
    return send("GET", path, null, Map.of());
  }

  Response put(String path, String body, Map<String, String> headers) throws Exception {
    return send("PUT", path, body, headers);
  }

  Response put(String path, String body) throws Exception {
    return send("PUT", path, body, Map.of());
  }

  Response post(String path) throws Exception {
    return send("POST", path, "", Map.of());
  }

  Response delete(String path, Map<String, String> headers) throws Exception {
    return send("DELETE", path, null, headers);
  }

  Response send(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::setHeader);
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    try {
      json = r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
    } catch (Exception e) {
      // not JSON
    }
    return new Response(r.statusCode(), json, r.body(), r.headers().map());
  }
}
