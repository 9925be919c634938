package io.etcron.lock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A leader election (etcd's {@code concurrency.Election}): candidates are keys {@code
 * <prefix><lease>} on their session's lease; the oldest (smallest create revision) leads. A
 * candidate waits by watching the deletion of the candidate just older than itself, so a leader's
 * crash wakes exactly its successor. Thread-safe.
 */
public final class Election {
  private final Session session;
  private final String prefix;

  Election(Session session, String prefix) {
    this.session = session;
    this.prefix = prefix;
  }

  /** The key prefix of the candidates. */
  public String prefix() {
    return prefix;
  }

  /**
   * Campaigns with {@code value} and blocks until this session leads or {@code timeout} passes.
   * Returns the leadership as a held lock on the candidate key: its fencing token is the
   * candidate's create revision, {@link HeldLock#lost()} tells of a lost session, closing it
   * resigns.
   *
   * @throws LockTimeoutException when not elected in time (the candidacy is withdrawn)
   * @throws SessionLostException when the session is lost
   */
  public HeldLock campaign(String value, Duration timeout) {
    session.checkAlive();
    String candidate = prefix + Etcd.hex(session.leaseId());
    long revision = putCandidate(candidate, value);
    QueueHead head = new QueueHead(session, prefix, revision);
    CompletableFuture<Void> reached = head.await();
    session.done().thenRun(head::cancel);
    try {
      reached.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      session.checkAlive();
      return new HeldLock(session, candidate, revision, false);
    } catch (TimeoutException e) {
      head.cancel();
      withdraw(candidate, revision);
      throw new LockTimeoutException(
          "not elected in "
              + prefix
              + " within "
              + Etcd.human(timeout)
              + leader().map(l -> "; the leader is " + l.value()).orElse(""),
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      head.cancel();
      withdraw(candidate, revision);
      throw new LockException("interrupted while campaigning in " + prefix, e);
    } catch (ExecutionException | java.util.concurrent.CancellationException e) {
      withdraw(candidate, revision);
      session.checkAlive();
      throw Etcd.failure(e, "campaign in " + prefix);
    }
  }

  /** The current leader, read once. */
  public Optional<Leader> leader() {
    GetResponse response =
        Etcd.await(
            session.client().getKVClient().get(Etcd.bytes(prefix), Etcd.oldestUnder(prefix)),
            session.requestTimeout(),
            "read the leader of " + prefix);
    return response.getKvs().stream().findFirst().map(Leader::of);
  }

  /**
   * Calls {@code listener} with the current leader now and after every change, until the returned
   * handle is closed. Driven by a watch on the candidates; a broken watch is re-opened. The
   * listener runs on a jetcd thread and must not block.
   */
  public AutoCloseable observe(Consumer<Optional<Leader>> listener) {
    return new Observer(Objects.requireNonNull(listener, "listener")).start();
  }

  private long putCandidate(String candidate, String value) {
    ByteSequence key = Etcd.bytes(candidate);
    TxnResponse response =
        Etcd.await(
            session
                .client()
                .getKVClient()
                .txn()
                // A new candidacy; a session campaigning again keeps its place in line.
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(
                    Op.put(
                        key,
                        Etcd.bytes(value),
                        PutOption.builder().withLeaseId(session.leaseId()).build()))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit(),
            session.requestTimeout(),
            "campaign in " + prefix);
    return response.isSucceeded()
        ? response.getHeader().getRevision()
        : response.getGetResponses().get(0).getKvs().get(0).getCreateRevision();
  }

  private void withdraw(String candidate, long revision) {
    try {
      SessionLock.deleteIfOurs(session, candidate, revision);
    } catch (LockException e) {
      // the candidate key is on our lease: it goes with the session at the latest
    }
  }

  /** Watches the candidates and reports the oldest whenever it changes. */
  private final class Observer implements AutoCloseable {
    private final Consumer<Optional<Leader>> listener;
    private Optional<Leader> last;
    private Watch.Watcher watcher;
    private boolean closed;

    Observer(Consumer<Optional<Leader>> listener) {
      this.listener = listener;
    }

    Observer start() {
      refresh(true);
      return this;
    }

    /** Reads the leader, reports a change and, when asked, (re)opens the watch after that read. */
    private void refresh(boolean rewatch) {
      session
          .client()
          .getKVClient()
          .get(Etcd.bytes(prefix), Etcd.oldestUnder(prefix))
          .orTimeout(session.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (response, error) -> {
                if (error != null) {
                  CompletableFuture.delayedExecutor(250, TimeUnit.MILLISECONDS)
                      .execute(() -> refresh(rewatch));
                  return;
                }
                report(response.getKvs().stream().findFirst().map(Leader::of));
                if (rewatch) {
                  watchFrom(response.getHeader().getRevision() + 1);
                }
              });
    }

    private synchronized void report(Optional<Leader> leader) {
      if (!closed && !leader.equals(last)) {
        last = leader;
        listener.accept(leader);
      }
    }

    private synchronized void watchFrom(long revision) {
      if (closed) {
        return;
      }
      watcher =
          session
              .client()
              .getWatchClient()
              .watch(
                  Etcd.bytes(prefix),
                  WatchOption.builder()
                      .withPrefix(Etcd.bytes(prefix))
                      .withRevision(revision)
                      .build(),
                  Watch.listener(response -> refresh(false), error -> reopen(), this::reopen));
    }

    private synchronized void reopen() {
      if (!closed) {
        watcher.close();
        refresh(true);
      }
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (watcher != null) {
        watcher.close();
      }
    }
  }
}
