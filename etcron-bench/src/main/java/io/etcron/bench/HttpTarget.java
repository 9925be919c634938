package io.etcron.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What HTTP jobs call in a benchmark: a JDK HTTP server on 127.0.0.1 in the benchmark's process,
 * with {@value #THREADS} threads, answering every request 200 with a small body and counting them.
 * Thread-safe; close stops it.
 */
final class HttpTarget implements AutoCloseable {
  static final int THREADS = 4;
  private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.UTF_8);
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final ExecutorService threads =
      Executors.newFixedThreadPool(
          THREADS,
          r -> {
            Thread t = new Thread(r, "etcron-bench-http-" + NAMES.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong requests = new AtomicLong();
  private final HttpServer server;

  private HttpTarget(HttpServer server) {
    this.server = server;
  }

  /** Starts a target on a free port of 127.0.0.1. */
  static HttpTarget start() throws IOException {
    HttpTarget t = new HttpTarget(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128));
    t.server.setExecutor(t.threads);
    t.server.createContext(
        "/",
        x -> {
          try (x) {
            x.getRequestBody().readAllBytes();
            x.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = x.getResponseBody()) {
              out.write(BODY);
            }
          }
          t.requests.incrementAndGet();
        });
    t.server.start();
    return t;
  }

  /** The URL the jobs call. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/fire";
  }

  /** Requests answered so far. */
  long requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
