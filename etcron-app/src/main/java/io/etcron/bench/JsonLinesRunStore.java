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

/**
 * A write-only run store that appends each run record as one JSON line to a file: lets benchmark
 * workers record at full speed without a database, and the benchmark count every record after.
 * Selected with {@code --db jsonl:PATH}. Reads are not supported. Thread-safe.
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

  private final BufferedWriter out;

  public JsonLinesRunStore(Path file) {
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
  public synchronized void upsertAll(List<Run> runs) {
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
  public void appendOutput(RunId id, long offset, byte[] chunk) {}

  @Override
  public boolean markLost(RunId id, String reason, Instant at) {
    throw unsupported();
  }

  @Override
  public Optional<Run> get(RunId id) {
    throw unsupported();
  }

  @Override
  public RunPage query(RunQuery query) {
    throw unsupported();
  }

  @Override
  public List<Run> running() {
    throw unsupported();
  }

  @Override
  public Map<String, List<Run>> recent(Collection<String> jobs, int perJob) {
    throw unsupported();
  }

  @Override
  public Map<String, JobStats> stats(Collection<String> jobs, Instant since) {
    throw unsupported();
  }

  @Override
  public OutputSlice readOutput(RunId id, long fromOffset) {
    throw unsupported();
  }

  @Override
  public int applyRetention(RetentionPolicy policy, Instant now) {
    throw unsupported();
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("the jsonl run store only records (benchmarks)");
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new RunStoreException("cannot close the run file", e);
    }
  }
}
