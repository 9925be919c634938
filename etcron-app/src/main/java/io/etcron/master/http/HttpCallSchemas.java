package io.etcron.master.http;

import static io.etcron.master.http.SchemaShapes.closed;
import static io.etcron.master.http.SchemaShapes.str;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAPI schema of an HTTP job's {@code http}: the request the worker makes. Stateless. */
final class HttpCallSchemas {
  private HttpCallSchemas() {}

  /** An HTTP job's call, as {@code HttpCallParser} checks it. */
  static Map<String, Object> call() {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put(
        "url",
        Map.of(
            "type",
            "string",
            "maxLength",
            8192,
            "description",
            "absolute http:// or https:// URL, without user and password"));
    call.put(
        "method",
        Map.of(
            "type",
            "string",
            "enum",
            List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
            "description",
            "default GET (lower case is accepted and stored upper case)"));
    call.put(
        "headers",
        Map.of(
            "type",
            "object",
            "maxProperties",
            100,
            "description",
            "names are HTTP tokens, not X-Etcron-* (etcron sends X-Etcron-Run-Id and"
                + " X-Etcron-Fencing-Token) nor Host, Connection, Content-Length, Expect, Upgrade;"
                + " values without CR or LF",
            "additionalProperties",
            Map.of("type", "string", "maxLength", 8192)));
    call.put(
        "body",
        Map.of(
            "type", "string", "maxLength", 65536, "description", "sent as UTF-8; not with HEAD"));
    Map<String, Object> code = Map.of("type", "integer", "minimum", 100, "maximum", 599);
    Map<String, Object> statusClass = Map.of("type", "string", "pattern", "^[1-5][xX][xX]$");
    call.put(
        "expectStatus",
        Map.of(
            "description",
            "the statuses that make the run succeed: a code, a class such as \"2xx\", or a list"
                + " of them; default \"2xx\" (redirects are not followed)",
            "anyOf",
            List.of(
                code,
                statusClass,
                Map.of(
                    "type",
                    "array",
                    "minItems",
                    1,
                    "maxItems",
                    100,
                    "items",
                    Map.of("anyOf", List.of(code, statusClass))))));
    call.put(
        "timeout",
        str(
            "duration of the whole exchange, body included, 100ms-1d; default 30s or the job's"
                + " timeout if shorter, never longer than it; ends the run TIMED_OUT"));
    return closed(
        List.of("url"),
        "an HTTP request the worker makes instead of running a command: the run's output is the"
            + " status line and the first 64 KiB of the body",
        call);
  }
}
