package io.etcron.lock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small helpers over jetcd: bytes, prefix options and bounded waits on its futures. */
final class Etcd {
  private Etcd() {}

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
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
   * @throws EtcdUnavailableException when etcd did not answer in time or failed the request
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

  /** Maps a jetcd failure to the library's exceptions, keeping ours as they are. */
  static RuntimeException failure(Throwable cause, String what) {
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof LockException e) {
      return e;
    }
    if (cause instanceof CancellationException e) {
      return e;
    }
    return new EtcdUnavailableException(
        "etcd failed to " + what + ": " + cause.getMessage(), cause);
  }

  static String human(Duration d) {
    return d.toString().substring(2).toLowerCase();
  }

  static String hex(long leaseId) {
    return Long.toHexString(leaseId);
  }
}
