package io.etcron.runlog;

import io.etcron.run.JobStats;
import io.etcron.run.OutputSlice;
import io.etcron.run.RetentionPolicy;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunPage;
import io.etcron.run.RunQuery;
import io.etcron.run.RunStore;
import io.etcron.run.RunStoreException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run store opened in the background as the worker starts (H2's files and the schema's migrations
 * take a second or more, while the worker lists etcd), or that could not be opened yet (the
 * database is down as the worker starts): every call waits for the first attempt, then tries to
 * open the store if it is not open, and fails with {@link RunStoreException} until that works. The
 * worker's recorder retries its writes, so a worker starts and schedules while the database is
 * down, and stores what it ran once the database is back. Thread-safe.
 */
public final class DeferredRunStore implements RunStore {
  private static final Logger log = LoggerFactory.getLogger(DeferredRunStore.class);

  private final Supplier<RunStore> opener;
  private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
  private volatile RunStore store;
  private boolean closed; // guarded by this

  private DeferredRunStore(Supplier<RunStore> opener) {
    this.opener = opener;
  }

  /** Starts opening the store on a thread of its own and returns at once. */
  public static DeferredRunStore openInBackground(Supplier<RunStore> opener) {
    DeferredRunStore deferred = new DeferredRunStore(opener);
    Thread t = new Thread(deferred::attemptFirst, "etcron-runstore-open");
    t.setDaemon(true);
    t.start();
    return deferred;
  }

  private void attemptFirst() {
    try {
      synchronized (this) {
        if (!closed) {
          store = opener.get();
        }
      }
      firstAttempt.complete(null);
    } catch (RunStoreException e) {
      log.warn("{}; the worker goes on, and stores its runs once it is back", e.getMessage());
      firstAttempt.complete(null);
    } catch (RuntimeException | Error e) {
      firstAttempt.completeExceptionally(e); // callers fail with it rather than wait forever
    }
  }

  /**
   * Waits for the first attempt to open the store.
   *
   * @throws RuntimeException what the first attempt failed with, other than the database being
   *     unreachable: a URL of no known database, say
   */
  public void awaitFirstAttempt() throws InterruptedException {
    try {
      firstAttempt.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw (RuntimeException) e.getCause();
    }
  }

  private RunStore store() {
    RunStore s = store;
    if (s != null) {
      return s;
    }
    try {
      awaitFirstAttempt();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunStoreException("interrupted while the run store was being opened", e);
    }
    synchronized (this) {
      if (store == null) {
        store = opener.get(); // throws RunStoreException while the database is down
        log.info("the run store is open now");
      }
      return store;
    }
  }

  @Override
  public void upsertAll(List<Run> runs) {
    store().upsertAll(runs);
  }

  @Override
  public void upsertAll(List<Run> runs, Predicate<Run> noted) {
    store().upsertAll(runs, noted);
  }

  @Override
  public boolean markLost(RunId id, String reason, Instant at) {
    return store().markLost(id, reason, at);
  }

  @Override
  public Optional<Run> get(RunId id) {
    return store().get(id);
  }

  @Override
  public RunPage query(RunQuery query) {
    return store().query(query);
  }

  @Override
  public List<Run> running() {
    return store().running();
  }

  @Override
  public Map<String, List<Run>> recent(Collection<String> jobs, int perJob) {
    return store().recent(jobs, perJob);
  }

  @Override
  public Map<String, JobStats> stats(Collection<String> jobs, Instant since) {
    return store().stats(jobs, since);
  }

  @Override
  public void appendOutput(RunId id, long offset, byte[] chunk) {
    store().appendOutput(id, offset, chunk);
  }

  @Override
  public OutputSlice readOutput(RunId id, long fromOffset) {
    return store().readOutput(id, fromOffset);
  }

  @Override
  public int applyRetention(RetentionPolicy policy, Instant now) {
    return store().applyRetention(policy, now);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (store != null) {
      store.close();
    }
  }
}
