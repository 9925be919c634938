package io.etcron.bench;

import io.etcron.json.Json;
import io.etcron.run.JobStats;
import io.etcron.run.OutputSlice;
import io.etcron.run.RetentionPolicy;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunPage;
import io.etcron.run.RunQuery;
import io.etcron.run.RunStore;
import io.etcron.run.RunStoreException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A run store for benchmarks that appends each run record as one JSON line to a file, so the
 * benchmark can count every execution after (a database keeps one row per run, so two executions of
 * one fire would look like one). Alone ({@code --db jsonl:PATH}, on request only, opened by {@link
 * JsonLinesProvider}) it is write-only and reads are not supported; {@link #recording} puts it in
 * front of the real run store, which then receives every call first. Thread-safe.
 */
public final class JsonLinesRunStore implements RunStore {
  /** One line: what the benchmark needs of a run. */
  public record Line(
      String id,
      String job,
      Instant fireTime,
      String state,
      Instant startedAt,
      String worker,
      long token) {}

  /**
   * The system property that makes a worker also log every record to a file (benchmarks; see {@link
   * JsonLinesProvider#wrap}).
   */
  public static final String EXECUTIONS_PROPERTY = "etcron.bench.executions";

  private final BufferedWriter out;
  private final Optional<RunStore> next;

  /** The file store alone: records only. */
  public JsonLinesRunStore(Path file) {
    this(file, Optional.empty());
  }

  /** {@code store}, with every record also appended to {@code file} once the store took it. */
  public static RunStore recording(Path file, RunStore store) {
    return new JsonLinesRunStore(file, Optional.of(store));
  }

  private JsonLinesRunStore(Path file, Optional<RunStore> next) {
    this.next = next;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      this.out =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new RunStoreException("cannot open " + file, e);
    }
  }

  @Override
  public void upsertAll(List<Run> runs) {
    upsertAll(runs, r -> true);
  }

  @Override
  public void upsertAll(List<Run> runs, Predicate<Run> noted) {
    next.ifPresent(store -> store.upsertAll(runs, noted));
    append(runs);
  }

  private synchronized void append(List<Run> runs) {
    try {
      for (Run r : runs) {
        out.write(
            Json.write(
                new Line(
                    r.id().toString(),
                    r.job(),
                    r.fireTime(),
                    r.state().name(),
                    r.startedAt().orElse(null),
                    r.worker(),
                    r.fencingToken())));
        out.newLine();
      }
      out.flush();
    } catch (IOException e) {
      throw new RunStoreException("cannot append runs", e);
    }
  }

  @Override
  public void appendOutput(RunId id, long offset, byte[] chunk) {
    next.ifPresent(store -> store.appendOutput(id, offset, chunk));
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
  public OutputSlice readOutput(RunId id, long fromOffset) {
    return store().readOutput(id, fromOffset);
  }

  @Override
  public int applyRetention(RetentionPolicy policy, Instant now) {
    return store().applyRetention(policy, now);
  }

  private RunStore store() {
    return next.orElseThrow(
        () -> new UnsupportedOperationException("the jsonl run store only records (benchmarks)"));
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
      next.ifPresent(RunStore::close);
    } catch (IOException e) {
      throw new RunStoreException("cannot close the run file", e);
    }
  }
}
