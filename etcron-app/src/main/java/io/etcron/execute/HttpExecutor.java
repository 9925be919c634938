package io.etcron.execute;

import io.etcron.concurrent.Threads;
import io.etcron.job.HttpCall;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs HTTP jobs in the worker's own process: each execution is one request of the request's {@link
 * ExecutionRequest#http() call}, made with one shared JDK {@link HttpClient} (redirects are not
 * followed: a 3xx is the call's status). The output is the status line ({@code HTTP/1.1 200}) and
 * the first {@link #BODY_LIMIT} bytes of the response body, streamed as they come; the rest of a
 * longer body is not read (the connection is dropped) and a last line says it was cut. The run
 * fails when the status is not an expected one or the exchange fails, and times out when it takes
 * longer than the call's timeout. A kill cancels the request. Thread-safe.
 */
public final class HttpExecutor implements Executor, AutoCloseable {
  /** Bytes of a response body kept as the run's output at most. */
  public static final int BODY_LIMIT = 64 * 1024;

  /** The process's shared executor, made on first use. */
  private static final class Shared {
    static final HttpExecutor INSTANCE = new HttpExecutor();
  }

  private final ExecutorService pool =
      Executors.newCachedThreadPool(Threads.numbered("etcron-http-"));
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(Threads.named("etcron-http-timeouts"));
  private final HttpClient client =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).executor(pool).build();

  /**
   * The executor every worker of this process uses unless told otherwise: one HTTP client (its
   * connection pool and threads) for all of them. Never closed.
   */
  public static HttpExecutor shared() {
    return Shared.INSTANCE;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the request has no HTTP call
   * @throws IllegalStateException when the lease guarding the run has already ended
   */
  @Override
  public Execution start(ExecutionRequest request) {
    HttpCall call =
        request
            .http()
            .orElseThrow(
                () ->
                    new IllegalArgumentException("not an HTTP job: the HTTP executor has no call"));
    Optional<Duration> budget = request.leaseLeft().map(Supplier::get);
    if (budget.isPresent() && (budget.get().isNegative() || budget.get().isZero())) {
      throw new IllegalStateException("the lease guarding this run has ended: not starting it");
    }
    HttpExchange exchange = new HttpExchange(call, request.output());
    exchange.sent(client.sendAsync(httpRequest(call), exchange::subscriber));
    ScheduledFuture<?> timeout =
        timers.schedule(exchange::timeOut, call.timeout().toNanos(), TimeUnit.NANOSECONDS);
    exchange.done().whenComplete((r, e) -> timeout.cancel(false));
    return exchange;
  }

  private static HttpRequest httpRequest(HttpCall call) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(call.url())
            .method(
                call.method(),
                call.body()
                    .map(s -> HttpRequest.BodyPublishers.ofString(s, StandardCharsets.UTF_8))
                    .orElse(HttpRequest.BodyPublishers.noBody()));
    if (call.url().getScheme().equalsIgnoreCase("http")) {
      // HTTP/2 only where TLS negotiates it: no "Upgrade: h2c" on plain HTTP, which some servers
      // and proxies mishandle.
      b.version(HttpClient.Version.HTTP_1_1);
    }
    call.headers().forEach(b::header);
    return b.build();
  }

  /** Stops the executor's threads; running calls are cut off. */
  @Override
  public void close() {
    timers.shutdownNow();
    pool.shutdownNow();
  }
}
