package io.etcron.worker.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.run.InMemoryRunStore;
import io.etcron.run.JobStats;
import io.etcron.run.OutputSlice;
import io.etcron.run.RetentionPolicy;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunPage;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.run.RunStore;
import io.etcron.run.RunStoreException;
import io.etcron.run.Trigger;
import io.etcron.testing.Timing;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder's bounds and its journal, against the in-memory store. */
class RunRecorderTest {

  /**
   * A store that fails while {@code down}, counts the output bytes it is given, and, when it has a
   * {@code gate}, stores each batch of records only once the test hands it a permit.
   */
  static final class FlakyStore implements RunStore {
    final InMemoryRunStore real = new InMemoryRunStore();
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicLong outputBytes = new AtomicLong();
    final AtomicInteger upserts = new AtomicInteger();
    final AtomicInteger rows = new AtomicInteger();
    Semaphore gate;

    private void check() {
      if (down.get()) {
        throw new RunStoreException("the store is down", null);
      }
    }

    @Override
    public void upsertAll(List<Run> runs) {
      check();
      upserts.incrementAndGet();
      rows.addAndGet(runs.size());
      if (gate != null) {
        gate.acquireUninterruptibly();
      }
      real.upsertAll(runs);
    }

    @Override
    public void appendOutput(RunId id, long offset, byte[] chunk) {
      check();
      outputBytes.addAndGet(chunk.length);
      real.appendOutput(id, offset, chunk);
    }

    @Override
    public boolean markLost(RunId id, String reason, Instant at) {
      check();
      return real.markLost(id, reason, at);
    }

    @Override
    public Optional<Run> get(RunId id) {
      return real.get(id);
    }

    @Override
    public RunPage query(RunQuery query) {
      return real.query(query);
    }

    @Override
    public List<Run> running() {
      return real.running();
    }

    @Override
    public Map<String, List<Run>> recent(Collection<String> jobs, int perJob) {
      return real.recent(jobs, perJob);
    }

    @Override
    public Map<String, JobStats> stats(Collection<String> jobs, Instant since) {
      return real.stats(jobs, since);
    }

    @Override
    public OutputSlice readOutput(RunId id, long fromOffset) {
      return real.readOutput(id, fromOffset);
    }

    @Override
    public int applyRetention(RetentionPolicy policy, Instant now) {
      return real.applyRetention(policy, now);
    }

    @Override
    public void close() {}
  }

  private static RunId id(String job, long millis) {
    return new RunId(job, Instant.ofEpochMilli(millis), Trigger.SCHEDULE);
  }

  private static Run ended(RunId id) {
    return Run.running(id, "w", 1, 1, Instant.ofEpochMilli(1000))
        .finished(
            RunState.SUCCEEDED,
            Optional.of(0),
            Optional.empty(),
            "",
            "",
            0,
            Instant.ofEpochMilli(2000));
  }

  /**
   * Back-pressure: past the high-water mark the recorder says it has no capacity (the worker stops
   * claiming), and says so until the queue is down to half the mark, not one record below it, so
   * that a store that just keeps up does not switch claiming on and off with every batch.
   */
  @Test
  void capacity_ends_at_the_high_water_mark_and_returns_at_half_of_it() {
    FlakyStore store = new FlakyStore();
    store.gate = new Semaphore(0);
    RunRecorder recorder = new RunRecorder(store, 1, Duration.ofMillis(1), 4);
    recorder.submit(ended(id("r", 0)));
    await().atMost(Timing.seconds(5)).until(() -> store.upserts.get() == 1); // held in the store
    for (int i = 1; i <= 3; i++) {
      recorder.submit(ended(id("r", i * 1000L)));
    }
    assertThat(recorder.depth()).isEqualTo(3);
    assertThat(recorder.hasCapacity()).as("below the mark").isTrue();
    recorder.submit(ended(id("r", 4000)));
    assertThat(recorder.hasCapacity()).as("at the mark").isFalse();

    for (int expectedDepth = 3; expectedDepth >= 1; expectedDepth--) {
      int stored = store.upserts.get();
      store.gate.release(); // one batch stored, the next one taken: one record less waiting
      await().atMost(Timing.seconds(5)).until(() -> store.upserts.get() == stored + 1);
      assertThat(recorder.depth()).isEqualTo(expectedDepth);
      assertThat(recorder.hasCapacity())
          .as("depth %d, half the mark is 2", expectedDepth)
          .isEqualTo(expectedDepth < 2);
    }
    store.gate.release(10);
    await().atMost(Timing.seconds(5)).until(() -> recorder.depth() == 0);
    assertThat(recorder.hasCapacity()).isTrue();
    assertThat(recorder.close(Duration.ofSeconds(5))).isTrue();
  }

  /**
   * A record somebody waits for is not written alone at once: its batch gathers for a short while,
   * so that a short run's end joins its start (one row a run, not two) and one second's records
   * share a transaction. The first version wrote each waited record at once, most runs as two rows.
   */
  @Test
  void a_short_run_costs_one_row_its_start_and_end_coalesced() {
    FlakyStore store = new FlakyStore();
    RunRecorder recorder = new RunRecorder(store); // the worker's linger
    int n = 40;
    List<java.util.concurrent.CompletableFuture<Void>> stored = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) { // runs of 2 ms each, one after the other
      stored.add(recorder.durable(Run.running(id("short", i), "w", 1, 1, Instant.EPOCH)));
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // the run's command
      stored.add(recorder.durable(ended(id("short", i))));
    }
    java.util.concurrent.CompletableFuture.allOf(
            stored.toArray(java.util.concurrent.CompletableFuture[]::new))
        .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
        .join();
    assertThat(store.real.get(id("short", 0)).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(store.rows.get())
        .as("rows written for %d short runs", n)
        .isLessThanOrEqualTo(n + n / 4);
    recorder.close(Duration.ofSeconds(5));
  }

  /** Audit 14: pending live output was unbounded, and coalescing it quadratic. */
  @Test
  void pending_output_keeps_only_what_the_store_would_keep() {
    FlakyStore store = new FlakyStore();
    store.down.set(true);
    RunRecorder recorder = new RunRecorder(store, 200, Duration.ofMillis(10), 5000);
    RunId id = id("chatty", 1000);
    byte[] chunk = new byte[8192];
    for (int i = 0; i < 4096; i++) { // 32 MiB while the store is down
      recorder.output(id, (long) i * chunk.length, chunk, chunk.length);
    }
    store.down.set(false);
    await()
        .atMost(Timing.seconds(20))
        .until(() -> !store.real.readOutput(id, 0).text().isEmpty() && recorder.depth() == 0);
    assertThat(store.outputBytes.get()).isLessThanOrEqualTo(RunRecorder.OUTPUT_KEPT);
    assertThat(store.real.readOutput(id, 0).totalSize()).isEqualTo(4096L * chunk.length);
    recorder.close(Duration.ofSeconds(5));
  }

  /** Audit 9: a finished run's end lived only in memory until stored. */
  @Test
  void ends_not_yet_stored_survive_in_the_journal(@TempDir Path dir) {
    FlakyStore down = new FlakyStore();
    down.down.set(true);
    RunRecorder first =
        new RunRecorder(down, 200, Duration.ofMillis(10), 5000, RunJournal.open(dir, "w1"));
    RunId id = id("kept", 5000);
    first.durable(ended(id));
    await().atMost(Timing.seconds(10)).until(() -> first.failures() > 0);
    // A drain while the store is down: the end cannot be stored, and the memory is gone after.
    assertThat(first.close(Duration.ofMillis(300))).isFalse();

    InMemoryRunStore up = new InMemoryRunStore();
    RunRecorder second =
        new RunRecorder(up, 200, Duration.ofMillis(10), 5000, RunJournal.open(dir, "w2"));
    await()
        .atMost(Timing.seconds(10))
        .until(() -> up.get(id).map(r -> r.state() == RunState.SUCCEEDED).orElse(false));
    second.close(Duration.ofSeconds(5));
  }
}
