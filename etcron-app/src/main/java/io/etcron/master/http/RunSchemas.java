package io.etcron.master.http;

import static io.etcron.master.http.SchemaShapes.closed;
import static io.etcron.master.http.SchemaShapes.dateTime;
import static io.etcron.master.http.SchemaShapes.integer;
import static io.etcron.master.http.SchemaShapes.object;
import static io.etcron.master.http.SchemaShapes.ref;
import static io.etcron.master.http.SchemaShapes.str;

import io.etcron.run.RunState;
import io.etcron.run.Trigger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The OpenAPI schemas of a run, its state and a job's run statistics. Stateless. */
final class RunSchemas {
  private RunSchemas() {}

  /** A run, as {@link Views} shows it. */
  static Map<String, Object> run() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", str("job@fireTime~trigger"));
    p.put("job", str("job name"));
    p.put("fireTime", dateTime());
    p.put(
        "trigger",
        Map.of(
            "type",
            "string",
            "enum",
            Arrays.stream(Trigger.values()).map(t -> t.name().toLowerCase(Locale.ROOT)).toList()));
    p.put("state", state());
    p.put("startedAt", dateTime());
    p.put("endedAt", dateTime());
    p.put("durationMillis", integer(0));
    p.put("worker", str("worker id"));
    p.put("fencingToken", integer(0));
    p.put("attempt", integer(0));
    p.put("exitCode", Map.of("type", "integer"));
    p.put("signal", Map.of("type", "integer"));
    p.put("reason", str("why it ended so"));
    p.put("output", str("the stored output's tail"));
    p.put("outputSize", integer(0));
    p.put(
        "params",
        Map.of(
            "type",
            "object",
            "description",
            "the variables a manual run was asked with (left out of listings)",
            "additionalProperties",
            str("value")));
    return closed(
        List.of(
            "id", "job", "fireTime", "trigger", "state", "fencingToken", "attempt", "outputSize"),
        p);
  }

  /** A job's run statistics over a window. */
  static Map<String, Object> stats() {
    return object(
        List.of("counts"),
        "last",
        ref("Run"),
        "counts",
        Map.of("type", "object", "additionalProperties", integer(0)),
        "successRate",
        Map.of("type", "number", "minimum", 0, "maximum", 1),
        "p50Millis",
        integer(0),
        "p95Millis",
        integer(0),
        "p99Millis",
        integer(0));
  }

  /** A run's state. */
  static Map<String, Object> state() {
    return Map.of(
        "type", "string", "enum", Arrays.stream(RunState.values()).map(Enum::name).toList());
  }
}
