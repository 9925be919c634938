package io.etcron.master.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small builders of JSON schema fragments for {@link Schemas} and the schemas it gathers.
 * Stateless.
 */
final class SchemaShapes {
  private SchemaShapes() {}

  /** An object schema: required names, then name/schema pairs. */
  static Map<String, Object> object(List<String> required, Object... props) {
    Map<String, Object> p = new LinkedHashMap<>();
    for (int i = 0; i < props.length; i += 2) {
      p.put((String) props[i], props[i + 1]);
    }
    return Map.of("type", "object", "required", required, "properties", p);
  }

  /** An object schema that allows no other properties: required names, then the properties. */
  static Map<String, Object> closed(List<String> required, Map<String, Object> properties) {
    return closedObject("required", required, "properties", properties);
  }

  /** The same, with a description. */
  static Map<String, Object> closed(
      List<String> required, String description, Map<String, Object> properties) {
    return closedObject("required", required, "description", description, "properties", properties);
  }

  /** {@code type: object} and {@code additionalProperties: false}, then name/value pairs. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> closedObject(Object... namesAndValues) {
    Map.Entry<String, Object>[] entries = new Map.Entry[2 + namesAndValues.length / 2];
    entries[0] = Map.entry("type", "object");
    entries[1] = Map.entry("additionalProperties", false);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      entries[2 + i / 2] = Map.entry((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return Map.ofEntries(entries);
  }

  static Map<String, Object> ref(String name) {
    return Map.of("$ref", "#/components/schemas/" + name);
  }

  static Map<String, Object> array(Map<String, Object> items) {
    return Map.of("type", "array", "items", items);
  }

  static Map<String, Object> str(String description) {
    return description.isEmpty()
        ? Map.of("type", "string")
        : Map.of("type", "string", "description", description);
  }

  static Map<String, Object> integer(long min) {
    return Map.of("type", "integer", "format", "int64", "minimum", min);
  }

  static Map<String, Object> bool() {
    return Map.of("type", "boolean");
  }

  static Map<String, Object> dateTime() {
    return Map.of("type", "string", "format", "date-time");
  }
}
