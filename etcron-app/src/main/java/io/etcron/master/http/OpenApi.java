package io.etcron.master.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the OpenAPI 3 document from the route table: every route is documented, nothing else. */
final class OpenApi {
  private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

  private OpenApi() {}

  static Map<String, Object> document(List<Route> routes) {
    Map<String, Object> paths = new LinkedHashMap<>();
    for (Route r : routes) {
      @SuppressWarnings("unchecked")
      Map<String, Object> item =
          (Map<String, Object>) paths.computeIfAbsent(r.path(), p -> new LinkedHashMap<>());
      item.put(r.method().equals("SSE") ? "get" : r.method().toLowerCase(), operation(r));
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
            "Jobs, runs and workers of an etcron cluster. Errors are {error, message, field?}."));
    doc.put("paths", paths);
    doc.put(
        "components",
        Map.of(
            "securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer")),
            "schemas", Map.of("JobSpec", jobSpec(), "Error", error())));
    return doc;
  }

  private static Map<String, Object> operation(Route r) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("summary", r.summary());
    op.put("operationId", r.method().toLowerCase() + r.path().replaceAll("[^A-Za-z0-9]+", "_"));
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
              Map.of("type", "string")));
    }
    if (!params.isEmpty()) {
      op.put("parameters", params);
    }
    if (r.role() != null) {
      op.put("security", List.of(Map.of("bearer", List.of())));
      op.put("x-etcron-role", r.role().lower());
    }
    if (r.method().equals("PUT")) {
      op.put(
          "requestBody",
          Map.of(
              "required",
              true,
              "content",
              Map.of(
                  "application/json",
                  Map.of("schema", Map.of("$ref", "#/components/schemas/JobSpec")))));
    }
    Map<String, Object> responses = new LinkedHashMap<>();
    String ok =
        switch (r.method()) {
          case "DELETE" -> "204";
          case "POST" ->
              r.path().endsWith("/trigger") || r.path().endsWith("/kill") ? "202" : "200";
          default -> "200";
        };
    responses.put(
        ok, Map.of("description", r.method().equals("SSE") ? "text/event-stream" : "success"));
    Map<String, Object> error =
        Map.of(
            "description",
            "error",
            "content",
            Map.of(
                "application/json",
                Map.of("schema", Map.of("$ref", "#/components/schemas/Error"))));
    responses.put("4XX", error);
    responses.put("503", error);
    op.put("responses", responses);
    return op;
  }

  private static Map<String, Object> jobSpec() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("name", str("[A-Za-z0-9][A-Za-z0-9._-]{0,127}, no .."));
    props.put("description", str("free text, at most 1000 characters"));
    props.put("command", str("run by /bin/sh -c"));
    props.put("env", Map.of("type", "object", "additionalProperties", Map.of("type", "string")));
    props.put("workingDir", str("absolute path"));
    props.put(
        "schedule",
        str(
            "6-field cron with seconds, 5-field cron, @hourly/@daily/..., @every <duration>, @at <instant>"));
    props.put("timeZone", str("IANA zone, default UTC"));
    props.put(
        "concurrency", Map.of("type", "string", "enum", List.of("allow", "forbid", "replace")));
    props.put("misfire", Map.of("type", "string", "enum", List.of("skip", "once", "all")));
    props.put("maxCatchUp", Map.of("type", "integer", "minimum", 1, "maximum", 1000));
    props.put("startingDeadline", str("duration, e.g. 5m"));
    props.put("timeout", str("duration, e.g. 30s"));
    props.put("retries", Map.of("type", "integer", "minimum", 0, "maximum", 10));
    props.put("retryBackoff", str("duration, doubles per retry"));
    props.put("tags", Map.of("type", "array", "items", Map.of("type", "string")));
    props.put("paused", Map.of("type", "boolean"));
    return Map.of(
        "type",
        "object",
        "additionalProperties",
        false,
        "required",
        List.of("command", "schedule"),
        "properties",
        props);
  }

  private static Map<String, Object> error() {
    return Map.of(
        "type",
        "object",
        "required",
        List.of("error", "message"),
        "properties",
        Map.of(
            "error",
            str("stable code"),
            "message",
            str("what went wrong"),
            "field",
            str("the field to blame"),
            "fields",
            Map.of("type", "array", "items", Map.of("type", "object"))));
  }

  private static Map<String, Object> str(String description) {
    return Map.of("type", "string", "description", description);
  }
}
