package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.etcron.execute.HttpExecutor;
import io.etcron.job.JobSpec;
import io.etcron.job.JobSpecs;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP jobs end to end: a real worker on real etcd calls a real HTTP server on 127.0.0.1, and the
 * run records what came back.
 */
class HttpJobIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  /** A request the server received. */
  record Received(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  static final int BIG = 200_000;

  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService serverThreads = Executors.newFixedThreadPool(4);
  private HttpServer server;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(serverThreads);
    server.createContext("/ok", x -> answer(x, 200, "hello".getBytes(StandardCharsets.UTF_8)));
    server.createContext("/down", x -> answer(x, 503, "down".getBytes(StandardCharsets.UTF_8)));
    server.createContext("/big", x -> answer(x, 200, big()));
    server.createContext(
        "/slow",
        x -> {
          record(x);
          try {
            release.await(30, TimeUnit.SECONDS); // until the test ends: never in time
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          x.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private void answer(HttpExchange x, int status, byte[] body) throws IOException {
    record(x);
    x.sendResponseHeaders(status, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    } catch (IOException e) {
      // the client stops reading a body it does not want
    } finally {
      x.close();
    }
  }

  private void record(HttpExchange x) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(
        new Received(
            x.getRequestMethod(),
            x.getRequestURI().getPath(),
            Map.copyOf(x.getRequestHeaders()),
            body));
  }

  /** {@value #BIG} bytes: a, b, ..., z, a, ... so that any cut shows where it is. */
  static byte[] big() {
    byte[] b = new byte[BIG];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) ('a' + i % 26);
    }
    return b;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  static JobSpec.HttpSpec call(String url) {
    return new JobSpec.HttpSpec(url, null, null, null, null, null);
  }

  static JobSpec job(String name, JobSpec.HttpSpec call) {
    return JobSpecs.http(name, "@every 1s", call).build();
  }

  /** The first run of {@code job} that ran and ended (not one skipped), once there is one. */
  static Run firstEnded(WorkerHarness h, String job) {
    return await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                h.runsOf(job).stream()
                    .filter(r -> r.startedAt().isPresent() && r.endedAt().isPresent())
                    .findFirst(),
            Optional::isPresent)
        .get();
  }

  @Test
  void the_status_line_and_body_are_the_run_s_output() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(job("hello", call(url("/ok"))));
      Run run = firstEnded(h, "hello");
      assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(run.exitCode()).contains(0);
      assertThat(run.outputTail()).isEqualTo("HTTP/1.1 200\nhello");
      assertThat(run.outputSize()).isEqualTo("HTTP/1.1 200\nhello".length());
    }
  }

  @Test
  void the_request_carries_method_body_the_job_s_headers_and_the_run_s_id_and_token()
      throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(
          job(
              "post",
              new JobSpec.HttpSpec(
                  url("/ok"),
                  "PUT",
                  Map.of("X-Custom", "custom value", "Content-Type", "text/plain"),
                  "the payload",
                  null,
                  null)));
      Received r = received.poll(20, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      Run run = firstEnded(h, "post");
      assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(r.method()).isEqualTo("PUT");
      assertThat(r.path()).isEqualTo("/ok");
      assertThat(r.body()).isEqualTo("the payload");
      assertThat(r.header("X-Custom")).isEqualTo("custom value");
      assertThat(r.header("Content-Type")).isEqualTo("text/plain");
      assertThat(r.header("X-Etcron-Run-Id")).isEqualTo(run.id().toString());
      assertThat(r.header("X-Etcron-Fencing-Token")).isEqualTo(Long.toString(run.fencingToken()));
      assertThat(r.header("Upgrade")).as("no h2c upgrade on plain HTTP").isNull();
    }
  }

  @Test
  void a_status_outside_expect_status_fails_the_run_and_an_expected_one_does_not()
      throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(job("down", call(url("/down"))));
      h.put(
          job(
              "down-expected",
              new JobSpec.HttpSpec(url("/down"), null, null, null, List.of(200, 503), null)));
      Run failed = firstEnded(h, "down");
      assertThat(failed.state()).isEqualTo(RunState.FAILED);
      assertThat(failed.reason()).isEqualTo("status 503, expected 2xx");
      assertThat(failed.outputTail()).isEqualTo("HTTP/1.1 503\ndown");
      assertThat(firstEnded(h, "down-expected").state()).isEqualTo(RunState.SUCCEEDED);
    }
  }

  @Test
  void a_failed_call_is_retried_as_a_command_is() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(
          JobSpecs.http("retried", "@every 1h", call(url("/down")))
              .retries(1)
              .retryBackoff("1s")
              .build());
      h.jobs.trigger(new io.etcron.job.JobName("retried"), "test");
      Run run =
          await()
              .atMost(Timing.seconds(20))
              .until(
                  () -> h.runsOf("retried").stream().filter(r -> r.attempt() == 2).findFirst(),
                  r -> r.isPresent() && r.get().endedAt().isPresent())
              .get();
      assertThat(run.state()).isEqualTo(RunState.FAILED);
      assertThat(run.reason()).isEqualTo("status 503, expected 2xx");
      assertThat(received.stream().filter(r -> r.path().equals("/down")).count()).isEqualTo(2);
    }
  }

  @Test
  void a_call_that_cannot_connect_fails_with_the_reason() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(job("refused", call("http://127.0.0.1:" + closed + "/hook?token=secret")));
      Run run = firstEnded(h, "refused");
      assertThat(run.state()).isEqualTo(RunState.FAILED);
      assertThat(run.reason())
          .isEqualTo(
              "GET http://127.0.0.1:"
                  + closed
                  + "/hook: cannot connect to 127.0.0.1:"
                  + closed
                  + " (connection refused or unreachable)")
          .doesNotContain("secret");
    }
  }

  @Test
  void the_call_s_timeout_and_the_job_s_end_the_run_as_timed_out() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(
          JobSpecs.http(
                  "slow-call",
                  "@every 1s",
                  new JobSpec.HttpSpec(url("/slow"), null, null, null, null, "1s"))
              .timeout("20s")
              .build());
      h.put(JobSpecs.http("slow-job", "@every 1s", call(url("/slow"))).timeout("1s").build());
      Run call = firstEnded(h, "slow-call");
      assertThat(call.state()).isEqualTo(RunState.TIMED_OUT);
      assertThat(call.reason()).isEqualTo("no complete response within 1s (the call's timeout)");
      assertThat(Duration.between(call.startedAt().get(), call.endedAt().get()))
          .isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
      // The call's timeout defaults to the job's when that is shorter: whichever fires first ends
      // it.
      Run job = firstEnded(h, "slow-job");
      assertThat(job.state()).isEqualTo(RunState.TIMED_OUT);
      assertThat(job.reason())
          .isIn("timed out after 1s", "no complete response within 1s (the call's timeout)");
    }
  }

  @Test
  void a_kill_cancels_the_request() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(
          JobSpecs.http(
                  "replaced",
                  "@every 2s",
                  new JobSpec.HttpSpec(url("/slow"), null, null, null, null, "1m"))
              .concurrency("replace")
              .build());
      Run killed =
          await()
              .atMost(Timing.seconds(20))
              .until(
                  () ->
                      h.runsOf("replaced").stream()
                          .filter(r -> r.state() == RunState.KILLED)
                          .findFirst(),
                  Optional::isPresent)
              .get();
      assertThat(killed.reason()).contains("replaced by run");
      assertThat(killed.outputTail()).isEmpty(); // no response came
      assertThat(Duration.between(killed.startedAt().get(), killed.endedAt().get()))
          .isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void a_body_beyond_64_kib_is_cut_at_64_kib_and_the_rest_not_read() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(job("big", call(url("/big"))));
      Run run = firstEnded(h, "big");
      assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
      String status = "HTTP/1.1 200\n";
      String note =
          "\netcron: response body cut at 65536 bytes of "
              + BIG
              + "; the rest was not read (HTTP/1.1 200)\n";
      String kept = new String(big(), 0, HttpExecutor.BODY_LIMIT, StandardCharsets.US_ASCII);
      assertThat(run.outputSize())
          .isEqualTo(status.length() + HttpExecutor.BODY_LIMIT + note.length());
      String whole = status + kept + note;
      assertThat(run.outputTail()).isEqualTo(whole.substring(whole.length() - 64 * 1024));
    }
  }
}
