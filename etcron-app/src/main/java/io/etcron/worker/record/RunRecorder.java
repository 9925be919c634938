package io.etcron.worker.record;

import io.etcron.concurrent.Backoff;
import io.etcron.concurrent.Loop;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import io.etcron.run.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes run records and live output to a {@link RunStore} in the background, in batches (by size
 * or after a short wait: the linger, or {@link #WAITED_LINGER} once somebody waits for a record),
 * retrying with a capped backoff until stored: nothing is ever dropped. Records of the same run are
 * coalesced (the latest wins, as the store would decide anyway). {@link #hasCapacity()} turns false
 * when the queue passes its high-water mark (until it is down to half of it) or the store keeps
 * failing, so the worker stops claiming instead of piling up records it cannot store.
 *
 * <p>One named thread, {@code etcron-run-recorder}. Thread-safe; no method blocks but {@link
 * #close(Duration)}.
 */
public final class RunRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunRecorder.class);

  public static final int DEFAULT_BATCH = 200;
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(200);
  public static final int DEFAULT_HIGH_WATER = 5_000;

  /**
   * How long a batch that somebody waits for gathers more records before it is written (at most the
   * linger): long enough for a short run's end to join its start, so that it costs one row, and for
   * the ends of one second's fires to share a transaction.
   */
  static final Duration WAITED_LINGER = Duration.ofMillis(20);

  /** Pauses between attempts while the store fails. */
  private static final Backoff STORE_DOWN =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

  private record Pending(Run run, List<CompletableFuture<Void>> waiters) {}

  /** Where ends are journaled before they are sent to the store, if anywhere. */
  private final RunJournal journal;

  /** Where commands leave their ends when this worker is dead by then (with the journal). */
  private final ExitNotes notes;

  /**
   * Ends in the journal now (run id, state, attempt), so that a retry does not append them again.
   */
  private final Set<String> inJournal = new HashSet<>();

  /** Live output kept per run while waiting to be stored: what the store keeps of a run. */
  static final int OUTPUT_KEPT = 64 * 1024;

  /**
   * A run's live output waiting to be stored: at most the last {@link #OUTPUT_KEPT} bytes, from
   * {@code offset} in the run's whole output. Older bytes are dropped (the store would delete them
   * anyway), so a chatty command costs bounded memory however slow the store is.
   */
  private static final class Output {
    final RunId id;
    long offset;
    byte[] bytes = new byte[0];
    int length;

    Output(RunId id, long offset) {
      this.id = id;
      this.offset = offset;
    }

    /** Appends bytes that start at {@code at}; a gap restarts the output there. */
    void append(long at, byte[] b, int off, int n) {
      if (at != offset + length) {
        offset = at;
        length = 0;
      }
      if (n >= OUTPUT_KEPT) {
        off += n - OUTPUT_KEPT;
        offset = at + n - OUTPUT_KEPT;
        at = offset;
        n = OUTPUT_KEPT;
        length = 0;
      }
      int keep = Math.min(length, OUTPUT_KEPT - n);
      if (keep < length) {
        System.arraycopy(bytes, length - keep, bytes, 0, keep);
        offset += length - keep;
        length = keep;
      }
      if (bytes.length < length + n) {
        bytes = Arrays.copyOf(bytes, Math.min(OUTPUT_KEPT, Math.max(2 * bytes.length, length + n)));
      }
      System.arraycopy(b, off, bytes, length, n);
      length += n;
    }

    byte[] content() {
      return Arrays.copyOf(bytes, length);
    }
  }

  private final RunStore store;
  private final int batch;
  private final Duration linger;
  private final Duration waitedLinger;
  private final int highWater;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Map<String, Pending> runs = new LinkedHashMap<>();
  private final Map<String, Output> outputs = new LinkedHashMap<>();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Loop loop;
  private int storeFailures; // consecutive, on the loop's thread only
  private final List<Run> recovered;
  private volatile boolean failing;
  private volatile int depth;

  /** Queued records somebody waits for (guarded by the lock). */
  private int waited;

  private volatile boolean closing;

  /** The queue passed its high-water mark and has not drained to half of it since. */
  private volatile boolean full;

  /** The runs whose ends the store notes for notifications (all, until told otherwise). */
  private volatile Predicate<Run> noted = r -> true;

  public RunRecorder(RunStore store) {
    this(store, DEFAULT_BATCH, DEFAULT_LINGER, DEFAULT_HIGH_WATER);
  }

  public RunRecorder(RunStore store, int batch, Duration linger, int highWater) {
    this(store, batch, linger, highWater, null);
  }

  /**
   * A recorder that journals every end in {@code journal} (fsync'ed) before sending it to the
   * store, and first stores what earlier lives left in the journal's directory.
   */
  public RunRecorder(RunStore store, RunJournal journal) {
    this(store, DEFAULT_BATCH, DEFAULT_LINGER, DEFAULT_HIGH_WATER, journal);
  }

  RunRecorder(RunStore store, int batch, Duration linger, int highWater, RunJournal journal) {
    this.journal = journal;
    this.notes = journal == null ? null : ExitNotes.beside(journal);
    List<Run> recovered = List.of();
    this.store = store;
    this.batch = batch;
    this.linger = linger;
    this.waitedLinger = linger.compareTo(WAITED_LINGER) < 0 ? linger : WAITED_LINGER;
    this.highWater = highWater;
    if (journal != null) {
      List<Run> left = journal.recover();
      if (!left.isEmpty()) {
        log.info("storing {} run records left in {}", left.size(), journal.file());
        left.forEach(this::submit);
      }
      List<Run> ended = notes.recover();
      recovered = List.copyOf(ended);
      if (!ended.isEmpty()) {
        log.info(
            "storing {} run ends that commands left when an earlier life of this worker died",
            ended.size());
        ended.forEach(this::submit);
      }
    }
    this.recovered = recovered;
    this.loop = new Loop("etcron-run-recorder", this::storePass, () -> {}, Loop.QUICK).start();
  }

  /**
   * The ends that commands of an earlier life of this worker left (see {@link ExitNotes}), stored
   * as this recorder started; the worker requests the children they fire once it knows the jobs.
   */
  public List<Run> recoveredEnds() {
    return recovered;
  }

  /**
   * Notes that {@code running} starts its command, so that the command's end is reported even if
   * this worker dies before recording it (see {@link ExitNotes}).
   *
   * @return where the command's watchdog leaves its exit code; empty without a journal, or when the
   *     note cannot be written (the run still starts: only this fallback is lost)
   */
  public Optional<Path> exitNote(Run running) {
    if (notes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(notes.expect(running));
    } catch (java.io.UncheckedIOException e) {
      log.warn("{}; the run starts without it", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Tells which runs' ends the store should note for notifications: those of jobs with notification
   * targets. Until called, every end is noted.
   */
  public void noteEndsOf(Predicate<Run> noted) {
    this.noted = noted;
  }

  /** Queues a record. */
  public void submit(Run run) {
    enqueue(run, null);
  }

  /** Queues a record; the future completes once it is stored. */
  public CompletableFuture<Void> durable(Run run) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enqueue(run, done);
    return done;
  }

  /** Queues a chunk of a run's live output. */
  public void output(RunId id, long offset, byte[] bytes, int length) {
    lock.lock();
    try {
      outputs
          .computeIfAbsent(id.toString(), k -> new Output(id, offset))
          .append(offset, bytes, 0, length);
      recount();
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  private void enqueue(Run run, CompletableFuture<Void> waiter) {
    lock.lock();
    try {
      String key = run.id().toString();
      Pending before = runs.get(key);
      List<CompletableFuture<Void>> waiters = before == null ? new ArrayList<>() : before.waiters();
      if (waiter != null) {
        waiters.add(waiter);
      }
      // The newer record of a run wins if the store would let it: keep what the store would keep.
      Run kept = before == null || before.run().acceptsUpdate(run) ? run : before.run();
      boolean wasWaited = before != null && !before.waiters().isEmpty();
      boolean firstWaited = false;
      if (!wasWaited && !waiters.isEmpty()) {
        firstWaited = waited++ == 0;
      }
      runs.put(key, new Pending(kept, waiters));
      recount();
      // Wake the writer when a batch is full, or to shorten its wait once somebody waits.
      if (runs.size() >= batch || firstWaited) {
        work.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** False when the queue is past its high-water mark or the store keeps failing. */
  public boolean hasCapacity() {
    // Hysteresis: once past the high-water mark, claiming resumes only when the queue is down to
    // half of it, so that a store that just keeps up does not switch claiming on and off per batch.
    int d = depth();
    if (full && d < highWater / 2) {
      full = false;
    } else if (!full && d >= highWater) {
      full = true;
    }
    return !failing && !full;
  }

  /** Records and output chunks waiting to be stored. */
  public int depth() {
    return depth;
  }

  /** Records stored so far. */
  public long stored() {
    return stored.get();
  }

  /** Failed store attempts so far. */
  public long failures() {
    return failures.get();
  }

  /** Stores one batch of what is queued; false once closing and nothing is left. */
  private boolean storePass() throws InterruptedException {
    List<Pending> runBatch;
    List<Output> chunkBatch;
    lock.lock();
    try {
      if (runs.isEmpty() && outputs.isEmpty()) {
        if (closing) {
          return false;
        }
        work.await(linger.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      }
      // Gather a batch: for the linger, or a shorter while once somebody waits for a record.
      long since = System.nanoTime();
      while (runs.size() < batch && !closing) {
        Duration gather = hasWaiters() ? waitedLinger : linger;
        long left = gather.toNanos() - (System.nanoTime() - since);
        if (left <= 0) {
          break;
        }
        work.awaitNanos(left);
      }
      runBatch = new ArrayList<>();
      var it = runs.values().iterator();
      while (it.hasNext() && runBatch.size() < batch) {
        Pending p = it.next();
        runBatch.add(p);
        it.remove();
        if (!p.waiters().isEmpty()) {
          waited--;
        }
      }
      chunkBatch = new ArrayList<>(outputs.values());
      outputs.clear();
      recount();
    } finally {
      lock.unlock();
    }
    if (write(runBatch, chunkBatch)) {
      failing = false;
      storeFailures = 0;
      return true;
    }
    requeue(runBatch, chunkBatch);
    // The store is down: wait before the next attempt.
    Thread.sleep(STORE_DOWN.after(++storeFailures).toMillis());
    return true;
  }

  private boolean hasWaiters() {
    return waited > 0;
  }

  /** Keeps the counters read without the lock in step with the queue. Call under the lock. */
  private void recount() {
    depth = runs.size() + outputs.size();
  }

  private boolean write(List<Pending> runBatch, List<Output> chunkBatch) {
    try {
      // Output first: a finished run's row then points at output already stored.
      for (Output o : chunkBatch) {
        store.appendOutput(o.id, o.offset, o.content());
      }
      if (!runBatch.isEmpty()) {
        List<Run> batchRuns = runBatch.stream().map(Pending::run).toList();
        if (journal != null) {
          // An end is on disk before the store may see it: a crash from here on loses nothing.
          journal.append(
              batchRuns.stream()
                  .filter(r -> r.state() != RunState.RUNNING)
                  .filter(r -> inJournal.add(r.id() + " " + r.state() + " " + r.attempt()))
                  .toList());
        }
        store.upsertAll(batchRuns, noted);
        forgetJournaled();
        if (notes != null) {
          batchRuns.stream().filter(r -> r.state() != RunState.RUNNING).forEach(notes::forget);
        }
      }
      stored.addAndGet(runBatch.size());
      runBatch.forEach(p -> p.waiters().forEach(w -> w.complete(null)));
      return true;
    } catch (RuntimeException e) {
      // java.io.UncheckedIOException from the journal too: retried like a store failure.
      failures.incrementAndGet();
      if (!failing) {
        log.warn(
            "run store write failed; retrying until it works (worker stops claiming meanwhile): {}",
            e.getMessage());
      }
      failing = true;
      return false;
    }
  }

  /** Empties the journal once nothing journaled waits to be stored. */
  private void forgetJournaled() {
    if (journal == null) {
      return;
    }
    lock.lock();
    try {
      if (runs.isEmpty() && journal.size() > 0) {
        journal.clear();
        inJournal.clear();
      }
    } finally {
      lock.unlock();
    }
  }

  private void requeue(List<Pending> runBatch, List<Output> chunkBatch) {
    lock.lock();
    try {
      for (Pending p : runBatch) {
        String key = p.run().id().toString();
        Pending newer = runs.get(key);
        if (newer == null) {
          runs.put(key, p);
          if (!p.waiters().isEmpty()) {
            waited++;
          }
        } else {
          List<CompletableFuture<Void>> waiters = new ArrayList<>(p.waiters());
          waiters.addAll(newer.waiters());
          Run kept = p.run().acceptsUpdate(newer.run()) ? newer.run() : p.run();
          if (newer.waiters().isEmpty() && !waiters.isEmpty()) {
            waited++;
          }
          runs.put(key, new Pending(kept, waiters));
        }
      }
      for (Output older : chunkBatch) {
        Output newer = outputs.remove(older.id.toString());
        if (newer != null) {
          older.append(newer.offset, newer.bytes, 0, newer.length);
        }
        outputs.put(older.id.toString(), older);
      }
      recount();
    } finally {
      lock.unlock();
    }
  }

  /** Stores what is queued, waiting at most {@code bound}; returns whether all was stored. */
  public boolean close(Duration bound) {
    closing = true;
    boolean stored =
        loop.stop(
            () -> {
              lock.lock();
              try {
                work.signal();
              } finally {
                lock.unlock();
              }
            },
            bound);
    if (!stored) {
      log.warn(
          "{} run records could not be stored before shutdown{}",
          depth(),
          journal == null ? "" : "; their ends are kept in " + journal.file());
    }
    if (journal != null) {
      journal.close(); // the next worker started on this directory stores what is left in it
    }
    return stored;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
