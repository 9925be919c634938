package io.etcron.store;

import io.etcd.jetcd.common.exception.EtcdException;
import io.etcron.lock.EtcdUnavailableException;
import io.grpc.Status;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounded waits on jetcd futures, with failures sorted by their gRPC status: etcd not answering (a
 * timeout, {@code UNAVAILABLE}, a broken connection) is {@link EtcdUnavailableException}; a request
 * etcd or the client refused ({@code RESOURCE_EXHAUSTED} for a message over the size limit, a
 * compacted revision, a permission) is {@link EtcdRequestException}, so it is never reported as
 * "etcd unreachable". Stateless.
 */
public final class EtcdCalls {
  /** Failures that retrying the same request against a reachable etcd will not cure. */
  private static final Set<Status.Code> REFUSED =
      Set.of(
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.OUT_OF_RANGE,
          Status.Code.PERMISSION_DENIED,
          Status.Code.UNAUTHENTICATED,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.NOT_FOUND,
          Status.Code.ALREADY_EXISTS,
          Status.Code.UNIMPLEMENTED);

  private EtcdCalls() {}

  /**
   * Waits for {@code future} at most {@code timeout}; restores the interrupt flag.
   *
   * @throws EtcdUnavailableException when etcd did not answer in time or could not be reached
   * @throws EtcdRequestException when the request was refused
   */
  public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new EtcdUnavailableException(
          "etcd did not answer within " + timeout.toSeconds() + "s to " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EtcdUnavailableException("interrupted while waiting for etcd to " + what, e);
    } catch (ExecutionException e) {
      throw failure(e.getCause(), what);
    }
  }

  /** Sorts a jetcd failure into the two kinds above. */
  static RuntimeException failure(Throwable error, String what) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    Status.Code code = code(cause);
    if (REFUSED.contains(code)) {
      return new EtcdRequestException(
          code.name(), "etcd refused to " + what + " (" + code + "): " + cause.getMessage(), cause);
    }
    return new EtcdUnavailableException(
        "etcd failed to " + what + ": " + cause.getMessage(), cause);
  }

  private static Status.Code code(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof EtcdException e) {
        try {
          return Status.Code.valueOf(e.getErrorCode().name());
        } catch (IllegalArgumentException unknown) {
          return Status.Code.UNKNOWN;
        }
      }
      Status.Code c = Status.fromThrowable(t).getCode();
      if (c != Status.Code.UNKNOWN) {
        return c;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Status.Code.UNKNOWN;
  }
}
