package io.etcron.execute;

import io.etcron.job.HttpCall;
import io.etcron.schedule.Durations;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLException;

/**
 * One HTTP call of an {@link HttpExecutor}, from its sending to its result: writes the status line
 * and at most {@link HttpExecutor#BODY_LIMIT} bytes of the body to the output, then ends as the
 * first of the response, its own timeout or a kill decides. Thread-safe: the client's threads, the
 * timer and a killer meet under this object's lock.
 */
final class HttpExchange implements Execution {
  /** Exit code of a call that did not get an expected status (as a command's failure). */
  static final int FAILED = 1;

  /** What a killed call reads as: a command killed with SIGKILL. */
  private static final int SIGKILL = 9;

  private final HttpCall call;
  private final OutputListener listener;
  private final OutputCapture capture = new OutputCapture(OutputCapture.DEFAULT_LIMIT);
  private final CompletableFuture<ExecutionResult> done = new CompletableFuture<>();
  private CompletableFuture<HttpResponse<Void>> sent;
  private Flow.Subscription subscription;
  private String statusLine = "";
  private long bodyBytes;
  private Optional<Long> contentLength = Optional.empty();
  private boolean cut;
  private boolean ended;

  HttpExchange(HttpCall call, OutputListener listener) {
    this.call = call;
    this.listener = listener;
  }

  @Override
  public CompletableFuture<ExecutionResult> done() {
    return done;
  }

  /** Cancels the request (at once: there is no process to ask politely). */
  @Override
  public void kill(Duration grace) {
    end(
        new ExecutionResult(
            128 + SIGKILL, Optional.of(SIGKILL), "", 0, Optional.of("cancelled"), false));
  }

  /**
   * Why the request got no response, in words that name the endpoint: its method and URL without
   * the query (which may carry a secret), and what went wrong there.
   */
  String why(Throwable e) {
    URI u = call.url();
    String host = u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    String where = call.method() + " " + u.getScheme() + "://" + host + u.getRawPath();
    String detail = e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage();
    if (e instanceof ConnectException) {
      return where + ": cannot connect to " + host + " (connection refused or unreachable)";
    }
    if (e instanceof HttpConnectTimeoutException) {
      return where + ": no connection to " + host + " within the connect timeout";
    }
    if (e instanceof UnresolvedAddressException || e instanceof UnknownHostException) {
      return where + ": the host " + u.getHost() + " cannot be resolved";
    }
    if (e instanceof SSLException) {
      return where + ": TLS with " + host + " failed" + detail;
    }
    if (e instanceof HttpTimeoutException) {
      return where + ": no response in time" + detail;
    }
    return where + ": request failed: " + e.getClass().getSimpleName() + detail;
  }

  /** The call's own timeout has passed: ends it as timed out. */
  void timeOut() {
    String reason =
        "no complete response within " + Durations.format(call.timeout()) + " (the call's timeout)";
    end(new ExecutionResult(FAILED, Optional.empty(), "", 0, Optional.of(reason), true));
  }

  /** Watches the client's future of the response. */
  void sent(CompletableFuture<HttpResponse<Void>> response) {
    synchronized (this) {
      this.sent = response;
      if (ended) {
        response.cancel(true); // killed before it was even sent
        return;
      }
    }
    response.whenComplete(this::responded);
  }

  private void responded(HttpResponse<Void> response, Throwable error) {
    if (error != null) {
      Throwable e =
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error;
      boolean timedOut = e instanceof HttpTimeoutException;
      end(new ExecutionResult(FAILED, Optional.empty(), "", 0, Optional.of(why(e)), timedOut));
      return;
    }
    int status = response.statusCode();
    boolean expected = call.expectStatus().matches(status);
    end(
        new ExecutionResult(
            expected ? 0 : FAILED,
            Optional.empty(),
            "",
            0,
            expected
                ? Optional.empty()
                : Optional.of("status " + status + ", expected " + call.expectStatus()),
            false));
  }

  /** The body handler: writes the status line, then streams the body through {@link Body}. */
  HttpResponse.BodySubscriber<Void> subscriber(HttpResponse.ResponseInfo info) {
    String version = info.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1";
    synchronized (this) {
      statusLine = version + " " + info.statusCode();
      contentLength =
          info.headers().firstValueAsLong("Content-Length").stream().boxed().findFirst();
      if (!ended) { // nothing is written after a kill or timeout ended the call
        write(statusLine + "\n");
      }
    }
    return new Body();
  }

  /** Ends the call with {@code result} (its output added), unless it has ended already. */
  private void end(ExecutionResult result) {
    CompletableFuture<HttpResponse<Void>> response;
    Flow.Subscription s;
    ExecutionResult full;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      if (cut) {
        write(
            "\netcron: response body cut at "
                + HttpExecutor.BODY_LIMIT
                + " bytes"
                + contentLength.map(n -> " of " + n).orElse("")
                + "; the rest was not read ("
                + statusLine
                + ")\n");
      }
      full =
          new ExecutionResult(
              result.exitCode(),
              result.signal(),
              capture.tail(),
              capture.total(),
              result.reason(),
              result.timedOut());
      response = sent;
      s = subscription;
    }
    // Outside the lock: the run's own reaction to its end, and cancelling (which may call back
    // into the body subscriber), run on this thread.
    done.complete(full);
    if (s != null) {
      s.cancel();
    }
    if (response != null) {
      response.cancel(true);
    }
  }

  private void write(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    write(b, b.length);
  }

  private void write(byte[] b, int n) {
    long offset = capture.append(b, n);
    listener.chunk(offset, b, n);
  }

  /** Streams at most {@link HttpExecutor#BODY_LIMIT} bytes of the body to the output. */
  private final class Body implements HttpResponse.BodySubscriber<Void> {
    private final CompletableFuture<Void> body = new CompletableFuture<>();

    @Override
    public CompletableFuture<Void> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      boolean over;
      synchronized (HttpExchange.this) {
        subscription = s;
        over = ended;
      }
      if (over) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      Flow.Subscription s;
      boolean full;
      synchronized (HttpExchange.this) {
        if (ended) {
          return;
        }
        for (ByteBuffer buffer : buffers) {
          int room = (int) Math.min(HttpExecutor.BODY_LIMIT - bodyBytes, buffer.remaining());
          if (room < buffer.remaining()) {
            cut = true;
          }
          if (room > 0) {
            byte[] chunk = new byte[room];
            buffer.get(chunk);
            bodyBytes += room;
            write(chunk, room);
          }
        }
        s = subscription;
        full = cut;
      }
      if (full) {
        s.cancel(); // the rest is not wanted: do not read it
        body.complete(null);
      } else {
        s.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      body.complete(null);
    }
  }
}
