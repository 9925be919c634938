package io.etcron.master.http;

import static io.etcron.master.http.SchemaShapes.closed;

import io.etcron.job.NotifyEvent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAPI schemas of a job's {@code notify} and {@code sla} and of a run's deliveries. */
final class NotifySchemas {
  private NotifySchemas() {}

  private static Map<String, Object> events() {
    return Map.of(
        "type",
        "string",
        "enum",
        Arrays.stream(NotifyEvent.values()).map(NotifyEvent::wire).toList());
  }

  /** Adds {@code notify} and {@code sla} to a job spec's properties. */
  static void addJobFields(Map<String, Object> properties) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("on", Map.of("type", "array", "minItems", 1, "items", events()));
    entry.put(
        "webhook",
        Map.of(
            "type",
            "string",
            "maxLength",
            1000,
            "description",
            "absolute http(s) URL: a JSON POST signed with X-Etcron-Signature: sha256=HMAC of the"
                + " body, with an Idempotency-Key of run id and event"));
    entry.put("email", Map.of("type", "string", "maxLength", 254, "description", "an address"));
    properties.put(
        "notify",
        Map.of(
            "type",
            "array",
            "maxItems",
            10,
            "description",
            "who is told of which run outcomes; each entry has on and one of webhook or email",
            "items",
            closed(List.of("on"), entry)));
    properties.put(
        "sla",
        Map.of(
            "type",
            "string",
            "description",
            "duration 1s-30d: a run not finished this long after its fire time notifies late"));
  }

  /** The schema of one delivery of a run's notification. */
  static Map<String, Object> delivery() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("event", events());
    p.put("target", Map.of("type", "string", "description", "webhook:URL or email:ADDRESS"));
    p.put("status", Map.of("type", "string", "enum", List.of("pending", "delivered", "failed")));
    p.put("attempts", Map.of("type", "integer", "minimum", 0));
    p.put("lastError", Map.of("type", "string"));
    p.put("nextAttemptAt", Map.of("type", "string", "format", "date-time"));
    p.put("createdAt", Map.of("type", "string", "format", "date-time"));
    p.put("updatedAt", Map.of("type", "string", "format", "date-time"));
    return closed(List.of("event", "target", "status", "attempts", "createdAt", "updatedAt"), p);
  }
}
