package io.etcron.master.http;

import io.etcron.master.auth.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the OpenAPI 3 document from the route table: every route with its parameters, every status
 * it can answer and the schemas of its bodies. Stateless.
 */
final class OpenApi {
  private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

  private OpenApi() {}

  static Map<String, Object> document(List<Route> routes) {
    Map<String, Object> paths = new LinkedHashMap<>();
    for (Route r : routes) {
      @SuppressWarnings("unchecked")
      Map<String, Object> item =
          (Map<String, Object>) paths.computeIfAbsent(r.path(), p -> new LinkedHashMap<>());
      item.put(r.method().lower(), operation(r));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.0.3");
    doc.put(
        "info",
        Map.of(
            "title",
            "etcron master API",
            "version",
            "1",
            "description",
            "Jobs, runs and workers of an etcron cluster. Errors are {error, message, field?,"
                + " fields?}. Tokens go in the Authorization header only. A request carrying a"
                + " method-override header is refused, and so is a state-changing request from"
                + " another site's page."));
    doc.put("paths", paths);
    doc.put(
        "components",
        Map.of(
            "securitySchemes",
            Map.of("bearer", Map.of("type", "http", "scheme", "bearer")),
            "schemas",
            Schemas.all()));
    return doc;
  }

  private static Map<String, Object> operation(Route r) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("summary", r.summary());
    op.put("operationId", r.method().lower() + r.path().replaceAll("[^A-Za-z0-9]+", "_"));
    List<Object> params = new ArrayList<>();
    Matcher m = PARAM.matcher(r.path());
    while (m.find()) {
      params.add(
          Map.of(
              "name",
              m.group(1),
              "in",
              "path",
              "required",
              true,
              "schema",
              Schemas.pathParam(m.group(1))));
    }
    for (Route.Param p : r.query()) {
      params.add(
          Map.of(
              "name", p.name(),
              "in", "query",
              "required", p.required(),
              "description", p.description(),
              "schema", p.schema()));
    }
    if (!params.isEmpty()) {
      op.put("parameters", params);
    }
    if (r.role() != Role.PUBLIC) {
      op.put("security", List.of(Map.of("bearer", List.of())));
      op.put("x-etcron-role", r.role().lower());
    }
    r.body()
        .ifPresent(
            schema ->
                op.put(
                    "requestBody",
                    Map.of(
                        "required",
                        r.bodyRequired(),
                        "content",
                        Map.of("application/json", ref(schema)))));
    Map<String, Object> responses = new TreeMap<>();
    r.responses().forEach((status, schema) -> responses.put(status.toString(), success(schema)));
    for (int status : errors(r)) {
      responses.putIfAbsent(Integer.toString(status), error(status));
    }
    op.put("responses", responses);
    return op;
  }

  /** The error statuses a route can answer. */
  static List<Integer> errors(Route r) {
    List<Integer> s = new ArrayList<>(List.of(400, 403));
    if (r.role() != Role.PUBLIC) {
      s.addAll(List.of(401, 429));
    }
    if (r.path().contains("{")) {
      s.add(404);
    }
    switch (r.method()) {
      case PUT -> s.addAll(List.of(409, 412, 413, 415, 422));
      case DELETE -> s.addAll(List.of(409, 412));
      case POST -> s.addAll(List.of(409, 412, 413));
      case GET -> {}
    }
    if (r.responses().containsValue(Route.EVENTS)) {
      s.add(406);
    }
    if (r.method() == Route.Method.POST && r.body().isPresent()) {
      s.addAll(List.of(415, 422));
    }
    if (r.path().endsWith("/schedule/preview")) {
      s.add(422);
    }
    if (r.path().startsWith("/api/v1/") && !r.path().equals("/api/v1/openapi.json")) {
      s.add(503);
    }
    return s;
  }

  private static Map<String, Object> success(String schema) {
    return switch (schema) {
      case "" -> Map.of("description", "done, no body");
      case Route.EVENTS ->
          Map.of(
              "description",
              "server-sent events: output {offset, text} with id = next offset, then end (a Run)",
              "content",
              Map.of(Route.EVENTS, Map.of("schema", Map.of("type", "string"))));
      case Route.TEXT ->
          Map.of(
              "description",
              "Prometheus text format",
              "content",
              Map.of(Route.TEXT, Map.of("schema", Map.of("type", "string"))));
      default -> Map.of("description", schema, "content", Map.of("application/json", ref(schema)));
    };
  }

  private static Map<String, Object> error(int status) {
    return Map.of(
        "description",
        "refused (" + status + ")",
        "content",
        Map.of("application/json", ref("Error")));
  }

  private static Map<String, Object> ref(String schema) {
    return Map.of("schema", Map.of("$ref", "#/components/schemas/" + schema));
  }
}
