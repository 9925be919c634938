package io.etcron.lock;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reports an election's leader whenever it changes: reads the oldest candidate, then watches that
 * key's deletion (or, with no candidate, the next put under the prefix) from the revision after the
 * read, and reads again when the watch fires or breaks. Thread-safe.
 */
final class LeaderObserver implements Subscription {
  private final Session session;
  private final String prefix;
  private final Consumer<Optional<Leader>> listener;
  private Optional<Leader> last;
  private KeyWatch watch;
  private boolean closed;

  LeaderObserver(Session session, String prefix, Consumer<Optional<Leader>> listener) {
    this.session = session;
    this.prefix = prefix;
    this.listener = listener;
  }

  LeaderObserver start() {
    refresh();
    return this;
  }

  private void refresh() {
    if (isClosed()) {
      return;
    }
    session
        .client()
        .getKVClient()
        .get(Etcd.bytes(prefix), Etcd.oldestUnder(prefix))
        .orTimeout(session.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                Etcd.retryLater(this::refresh);
                return;
              }
              Optional<Leader> leader = response.getKvs().stream().findFirst().map(Leader::of);
              long next = response.getHeader().getRevision() + 1;
              report(leader);
              watchFrom(
                  response.getKvs().isEmpty()
                      ? null
                      : Etcd.string(response.getKvs().get(0).getKey()),
                  next);
            });
  }

  private synchronized void report(Optional<Leader> leader) {
    if (!closed && !leader.equals(last)) {
      last = leader;
      listener.accept(leader);
    }
  }

  private synchronized void watchFrom(String leaderKey, long revision) {
    if (closed) {
      return;
    }
    watch =
        leaderKey == null
            ? KeyWatch.onPutUnder(session.client(), prefix, revision, this::refresh)
            : KeyWatch.onDelete(session.client(), leaderKey, revision, this::refresh);
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watch != null) {
      watch.close();
    }
  }
}
