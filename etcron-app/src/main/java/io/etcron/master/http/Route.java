package io.etcron.master.http;

import io.etcron.master.auth.Role;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One entry of the route table: registered with Javalin and described in the OpenAPI document from
 * the same data, so the two cannot drift apart. Immutable; the {@code with...} methods return
 * copies.
 *
 * @param method the HTTP method
 * @param path Javalin path, e.g. {@code /api/v1/jobs/{name}}
 * @param role the least role allowed; {@link Role#PUBLIC} for routes anyone may call
 * @param summary one line for the OpenAPI document
 * @param handler the handler
 * @param query the query parameters it reads
 * @param responses its success statuses, each with the name of its response schema ({@code ""} for
 *     no body, {@link #EVENTS} for a server-sent event stream, {@link #TEXT} for plain text)
 * @param body the name of the request body's schema, for routes that read one
 * @param bodyRequired whether a request must carry that body (one that may leave it out reads none
 *     as the empty object)
 */
public record Route(
    Method method,
    String path,
    Role role,
    String summary,
    Handler handler,
    List<Param> query,
    Map<Integer, String> responses,
    Optional<String> body,
    boolean bodyRequired) {

  /** Response "schema" of an event stream. */
  static final String EVENTS = "text/event-stream";

  /** Response "schema" of plain text. */
  static final String TEXT = "text/plain";

  /** The methods the API uses. */
  public enum Method {
    GET,
    PUT,
    POST,
    DELETE;

    HandlerType javalin() {
      return switch (this) {
        case GET -> HandlerType.GET;
        case PUT -> HandlerType.PUT;
        case POST -> HandlerType.POST;
        case DELETE -> HandlerType.DELETE;
      };
    }

    /** The method as OpenAPI writes it, e.g. {@code get}. */
    public String lower() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A query parameter.
   *
   * @param name its name
   * @param schema its JSON schema
   * @param required whether a request must carry it
   * @param description what it means
   */
  public record Param(
      String name, Map<String, Object> schema, boolean required, String description) {}

  public Route {
    query = List.copyOf(query);
    responses = Map.copyOf(responses);
  }

  static Route of(Method method, String path, Role role, String summary, Handler handler) {
    return new Route(
        method, path, role, summary, handler, List.of(), Map.of(), Optional.empty(), false);
  }

  Route withQuery(Param... params) {
    return new Route(
        method,
        path,
        role,
        summary,
        handler,
        Stream.concat(query.stream(), Stream.of(params)).toList(),
        responses,
        body,
        bodyRequired);
  }

  Route answering(int status, String schema) {
    Map<Integer, String> r = new LinkedHashMap<>(responses);
    r.put(status, schema);
    return new Route(method, path, role, summary, handler, query, r, body, bodyRequired);
  }

  Route reading(String schema) {
    return new Route(
        method, path, role, summary, handler, query, responses, Optional.of(schema), true);
  }

  /** Reads a body of {@code schema} when the request carries one. */
  Route readingOptional(String schema) {
    return new Route(
        method, path, role, summary, handler, query, responses, Optional.of(schema), false);
  }
}
