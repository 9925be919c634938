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
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run store that could not be opened yet (the database is down as the worker starts): every call
 * tries to open it first, and fails with {@link RunStoreException} until that works. The worker's
 * recorder retries its writes, so a worker starts and schedules while the database is down, and
 * stores what it ran once the database is back. Thread-safe.
 */
public final class DeferredRunStore implements RunStore {
  private static final Logger log = LoggerFactory.getLogger(DeferredRunStore.class);

  private final Supplier<RunStore> opener;
  private volatile RunStore store;

  public DeferredRunStore(Supplier<RunStore> opener) {
    this.opener = opener;
  }

  private RunStore store() {
    RunStore s = store;
    if (s != null) {
      return s;
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
  public void close() {
    RunStore s = store;
    if (s != null) {
      s.close();
    }
  }
}
