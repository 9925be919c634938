package io.etcron.master.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.etcron.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads request bodies: JSON objects only, sent as {@code application/json}, every mistake a 4xx in
 * etcron's words naming the field. Stateless and thread-safe.
 */
final class Bodies {
  private Bodies() {}

  /** The body as a {@code type}. */
  static <T> T read(Context ctx, Class<T> type) {
    String contentType = Optional.ofNullable(ctx.contentType()).orElse("");
    if (!contentType.split(";")[0].trim().equalsIgnoreCase("application/json")) {
      throw ApiError.UNSUPPORTED_MEDIA_TYPE.at(
          "Content-Type",
          "send the body as Content-Type: application/json"
              + (contentType.isEmpty() ? "" : ", not " + contentType));
    }
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw ApiError.BAD_REQUEST.with("the request needs a JSON body");
    }
    try {
      JsonNode tree = Json.API.readTree(bytes);
      if (tree == null || !tree.isObject()) {
        throw ApiError.WRONG_TYPE.with(
            "the body must be a JSON object, not " + (tree == null ? "nothing" : kind(tree)));
      }
      unpairedSurrogate(tree, "")
          .ifPresent(
              at -> {
                throw ApiError.WRONG_TYPE.at(
                    at, at + ": contains an unpaired UTF-16 surrogate, which is not text");
              });
      return Json.API.treeToValue(tree, type);
    } catch (JacksonException e) {
      throw translate(e);
    } catch (IOException e) {
      throw ApiError.BAD_REQUEST.with("the body could not be read: " + e.getMessage());
    }
  }

  /** The path of the first string or field name that is not valid Unicode text. */
  private static Optional<String> unpairedSurrogate(JsonNode node, String path) {
    if (node.isTextual()) {
      return broken(node.textValue()) ? Optional.of(path) : Optional.empty();
    }
    int i = 0;
    for (var it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      Optional<String> found =
          broken(e.getKey()) ? Optional.of(at) : unpairedSurrogate(e.getValue(), at);
      if (found.isPresent()) {
        return found;
      }
    }
    if (node.isArray()) {
      for (JsonNode n : node) {
        Optional<String> found = unpairedSurrogate(n, path + "[" + i++ + "]");
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean broken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String kind(JsonNode n) {
    return n.isNull() ? "null" : n.isArray() ? "an array" : n.isTextual() ? "a string" : "a value";
  }

  /** Jackson's complaint about a body, as a 400 naming the field. */
  static ApiException translate(JacksonException e) {
    String path =
        e instanceof JsonMappingException m
            ? m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[")
            : "";
    if (e instanceof UnrecognizedPropertyException u) {
      return ApiError.UNKNOWN_FIELD.at(
          u.getPropertyName(),
          "unknown field \""
              + u.getPropertyName()
              + "\"; known fields are "
              + u.getKnownPropertyIds());
    }
    if (e instanceof MismatchedInputException m && !path.isEmpty()) {
      return ApiError.WRONG_TYPE.at(path, path + ": must be " + expected(m.getTargetType()));
    }
    if (e instanceof JsonMappingException && e.getCause() instanceof IllegalArgumentException c) {
      return path.isEmpty()
          ? ApiError.WRONG_TYPE.with(c.getMessage())
          : ApiError.WRONG_TYPE.at(path, path + ": " + c.getMessage());
    }
    String first = Optional.ofNullable(e.getOriginalMessage()).orElse("").split("\n")[0];
    return path.isEmpty()
        ? ApiError.MALFORMED_JSON.with("the body is not valid JSON: " + first)
        : ApiError.MALFORMED_JSON.at(path, "the body is not valid JSON at " + path + ": " + first);
  }

  /** What a JSON value for {@code type} looks like, in words. */
  static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    return "of another type";
  }
}
