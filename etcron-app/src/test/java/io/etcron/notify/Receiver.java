package io.etcron.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A real webhook receiver on 127.0.0.1: records every request, answers the status {@code answer}
 * gives for the request's number (1, 2, ...).
 */
final class Receiver implements AutoCloseable {
  /** One request as received: its headers of interest and its exact body. */
  record Request(String idempotencyKey, String signature, String event, byte[] body, int status) {}

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private final HttpServer server;
  private volatile IntUnaryOperator answer;

  Receiver(IntUnaryOperator answer) throws IOException {
    this.answer = answer;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          int status = this.answer.applyAsInt(count.incrementAndGet());
          requests.add(
              new Request(
                  ex.getRequestHeaders().getFirst("Idempotency-Key"),
                  ex.getRequestHeaders().getFirst("X-Etcron-Signature"),
                  ex.getRequestHeaders().getFirst("X-Etcron-Event"),
                  body,
                  status));
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  void answer(IntUnaryOperator a) {
    this.answer = a;
  }

  List<Request> accepted() {
    return requests.stream().filter(r -> r.status() / 100 == 2).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
