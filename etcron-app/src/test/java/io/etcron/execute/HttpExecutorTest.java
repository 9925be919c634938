package io.etcron.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.etcron.job.ExpectedStatus;
import io.etcron.job.HttpCall;
import io.etcron.job.Limits;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP executor on its own, against a real server on 127.0.0.1. */
class HttpExecutorTest {
  private final AtomicInteger requests = new AtomicInteger();
  private HttpServer server;
  private final HttpExecutor executor = new HttpExecutor();

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        x -> {
          requests.incrementAndGet();
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    executor.close();
  }

  HttpCall call(String method) {
    return new HttpCall(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
        method,
        Map.of(),
        Optional.empty(),
        ExpectedStatus.DEFAULT,
        Duration.ofSeconds(5));
  }

  @Test
  void a_call_streams_its_status_line_to_the_listener() throws Exception {
    ByteArrayOutputStream live = new ByteArrayOutputStream();
    ExecutionResult r =
        executor
            .start(ExecutionRequest.calling(call("HEAD"), (o, b, n) -> live.write(b, 0, n)))
            .done()
            .get(10, TimeUnit.SECONDS);
    assertThat(r.succeeded()).isTrue();
    assertThat(live.toString()).isEqualTo("HTTP/1.1 204\n");
    assertThat(r.outputTail()).isEqualTo("HTTP/1.1 204\n");
    assertThat(requests).hasValue(1);
  }

  @Test
  void no_request_is_sent_once_the_lease_guarding_the_run_has_ended() {
    ExecutionRequest ended =
        new ExecutionRequest(
            "",
            Map.of(),
            Optional.empty(),
            OutputListener.NONE,
            Optional.of(() -> Duration.ZERO),
            Optional.empty(),
            Optional.empty(),
            Limits.NONE,
            Optional.of(call("GET")));
    assertThatThrownBy(() -> executor.start(ended))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lease");
    assertThat(requests).hasValue(0);
  }

  @Test
  void a_request_without_a_call_is_refused() {
    assertThatThrownBy(
            () ->
                executor.start(
                    new ExecutionRequest("true", Map.of(), Optional.empty(), OutputListener.NONE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an HTTP job");
  }
}
