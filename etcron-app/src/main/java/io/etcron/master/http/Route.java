package io.etcron.master.http;

import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import java.util.function.Consumer;

/**
 * One entry of the route table: registered with Javalin and described in the OpenAPI document from
 * the same data, so the two cannot drift apart.
 *
 * @param method GET, PUT, POST, DELETE, or SSE (a GET answered with server-sent events)
 * @param path Javalin path, e.g. {@code /api/v1/jobs/{name}}
 * @param role the least role allowed; null for public routes
 * @param summary one line for the OpenAPI document
 * @param handler the handler (null for SSE)
 * @param sse the SSE handler (null otherwise)
 */
public record Route(
    String method,
    String path,
    Role role,
    String summary,
    Handler handler,
    Consumer<SseClient> sse) {

  static Route get(String path, Role role, String summary, Handler h) {
    return new Route("GET", path, role, summary, h, null);
  }

  static Route put(String path, Role role, String summary, Handler h) {
    return new Route("PUT", path, role, summary, h, null);
  }

  static Route post(String path, Role role, String summary, Handler h) {
    return new Route("POST", path, role, summary, h, null);
  }

  static Route delete(String path, Role role, String summary, Handler h) {
    return new Route("DELETE", path, role, summary, h, null);
  }

  static Route sse(String path, Role role, String summary, Consumer<SseClient> h) {
    return new Route("SSE", path, role, summary, null, h);
  }
}
