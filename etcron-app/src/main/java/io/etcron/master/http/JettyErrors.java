package io.etcron.master.http;

import io.etcron.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answer to a request Jetty refuses before it reaches the API (a URI that is not valid UTF-8,
 * headers too large): the same JSON error as every other, for every method, never an HTML page.
 * Thread-safe.
 */
final class JettyErrors extends ErrorHandler {
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected boolean generateAcceptableResponse(
      Request request,
      Response response,
      Callback callback,
      String contentType,
      List<Charset> charsets,
      int code,
      String message,
      Throwable cause) {
    String text = Optional.ofNullable(message).filter(m -> !m.isBlank()).orElse("HTTP " + code);
    ErrorBody body =
        code < 500
            ? new ErrorBody(
                code == 400 ? ApiError.BAD_REQUEST.code() : "http_" + code,
                "the request could not be read: " + text,
                Optional.empty(),
                List.of())
            : ApiError.INTERNAL.body("unexpected error on the master; see its log");
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(
        true, ByteBuffer.wrap(Json.write(body).getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }
}
