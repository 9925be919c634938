package io.etcron.lock;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a queue entry (a key under {@code prefix} created at {@code revision}) is the oldest
 * under its prefix, by watching the deletion of its predecessor, one at a time (etcd's {@code
 * waitDeletes}): no polling, and each deletion wakes only the next in line. Thread-safe.
 */
final class QueueHead {
  private final Session session;
  private final String prefix;
  private final long revision;
  private final CompletableFuture<Void> reached = new CompletableFuture<>();
  private KeyWatch watch;
  private boolean cancelled;

  QueueHead(Session session, String prefix, long revision) {
    this.session = session;
    this.prefix = prefix;
    this.revision = revision;
  }

  /** Starts waiting; the future completes when no older key remains under the prefix. */
  CompletableFuture<Void> await() {
    check();
    return reached;
  }

  /** Stops waiting; the future is cancelled. */
  synchronized void cancel() {
    cancelled = true;
    if (watch != null) {
      watch.close();
    }
    reached.cancel(false);
  }

  private void check() {
    if (isOver()) {
      return;
    }
    session
        .client()
        .getKVClient()
        .get(Etcd.bytes(prefix), Etcd.predecessorUnder(prefix, revision))
        .orTimeout(session.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(this::onPredecessor);
  }

  private void onPredecessor(GetResponse response, Throwable error) {
    if (error != null) {
      // etcd unreachable for now: look again shortly, until the owner gives up.
      Etcd.retryLater(this::check);
      return;
    }
    if (response.getKvs().isEmpty()) {
      reached.complete(null);
      return;
    }
    KeyValue predecessor = response.getKvs().get(0);
    synchronized (this) {
      if (!cancelled) {
        watch =
            KeyWatch.onDelete(
                session.client(),
                Etcd.string(predecessor.getKey()),
                response.getHeader().getRevision() + 1,
                this::check);
      }
    }
  }

  private synchronized boolean isOver() {
    return cancelled || reached.isDone();
  }
}
