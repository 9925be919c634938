package io.etcron.lock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.RangeCmp;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Small helpers over jetcd: bytes, prefix options, bounded waits on its futures, and the one place
 * where its failures are classified, by gRPC status code (never by message text).
 */
final class Etcd {
  /** Pause before retrying a request whose outcome was unknown. */
  static final Duration RETRY_PAUSE = Duration.ofMillis(250);

  private static final Executor RETRY =
      CompletableFuture.delayedExecutor(RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);

  private Etcd() {}

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Runs {@code action} after {@link #RETRY_PAUSE}, on a shared daemon timer. */
  static void retryLater(Runnable action) {
    RETRY.execute(action);
  }

  /** The first key after every key starting with {@code prefix}: the end of its range. */
  static String prefixEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
  }

  /**
   * Holds when no key starts with {@code prefix} (every key of the range has create revision 0, and
   * an empty range compares as one absent key).
   */
  static Cmp noKeyUnder(String prefix) {
    return new RangeCmp(
        bytes(prefix), bytes(prefixEnd(prefix)), Cmp.Op.EQUAL, CmpTarget.createRevision(0));
  }

  /** The oldest key (smallest create revision) under {@code prefix}. */
  static GetOption oldestUnder(String prefix) {
    return GetOption.builder()
        .withPrefix(bytes(prefix))
        .withSortField(GetOption.SortTarget.CREATE)
        .withSortOrder(GetOption.SortOrder.ASCEND)
        .withLimit(1)
        .build();
  }

  /** The youngest key under {@code prefix} created before {@code revision}. */
  static GetOption predecessorUnder(String prefix, long revision) {
    return GetOption.builder()
        .withPrefix(bytes(prefix))
        .withMaxCreateRevision(revision - 1)
        .withSortField(GetOption.SortTarget.CREATE)
        .withSortOrder(GetOption.SortOrder.DESCEND)
        .withLimit(1)
        .build();
  }

  /**
   * Waits for {@code future} at most {@code timeout}; restores the interrupt flag.
   *
   * @throws EtcdUnavailableException when etcd did not answer in time (the outcome is unknown)
   * @throws SessionLostException when etcd answered that the lease is gone
   * @throws LockException when etcd refused the request
   */
  static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new EtcdUnavailableException(
          "etcd did not answer "
              + what
              + " within "
              + human(timeout)
              + ": is it running and reachable?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw new LockException("interrupted while waiting for etcd to " + what, e);
    } catch (ExecutionException e) {
      throw failure(e.getCause(), what);
    }
  }

  /** The gRPC status code of a jetcd failure, if it carries one. */
  static Optional<ErrorCode> code(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof EtcdException e) {
      return Optional.of(e.getErrorCode());
    }
    if (cause instanceof StatusRuntimeException e) {
      return Optional.of(EtcdExceptionFactory.toEtcdException(e).getErrorCode());
    }
    return Optional.empty();
  }

  /** Whether etcd answered that a lease does not exist (a put on it, or a keep-alive of it). */
  static boolean leaseNotFound(Throwable error) {
    return code(error).orElse(null) == ErrorCode.NOT_FOUND;
  }

  /**
   * Whether a failed write may still have been applied: no answer in time, or the connection
   * failed. A refusal (invalid argument, failed precondition, permission, quota, lease not found)
   * means it was not.
   */
  static boolean outcomeUnknown(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof TimeoutException || cause instanceof EtcdUnavailableException) {
      return true;
    }
    return code(cause)
        .map(
            c ->
                switch (c) {
                  case DEADLINE_EXCEEDED, UNAVAILABLE, CANCELLED, UNKNOWN, INTERNAL, ABORTED ->
                      true;
                  default -> false;
                })
        .orElse(true);
  }

  /** Maps a jetcd failure to the library's exceptions, keeping ours as they are. */
  static RuntimeException failure(Throwable error, String what) {
    Throwable cause = unwrap(error);
    if (cause instanceof LockException e) {
      return e;
    }
    if (cause instanceof CancellationException e) {
      return e;
    }
    if (leaseNotFound(cause)) {
      return new SessionLostException(
          "etcd failed to " + what + ": the session's lease does not exist any more");
    }
    if (outcomeUnknown(cause)) {
      return new EtcdUnavailableException(
          "etcd failed to " + what + ": " + cause.getMessage(), cause);
    }
    return new LockException(
        "etcd refused to "
            + what
            + " ("
            + code(cause).map(Enum::name).orElse(Status.Code.UNKNOWN.name())
            + "): "
            + cause.getMessage(),
        cause);
  }

  private static Throwable unwrap(Throwable cause) {
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  static String human(Duration d) {
    return d.toString().substring(2).toLowerCase();
  }

  static String hex(long leaseId) {
    return Long.toHexString(leaseId);
  }
}
