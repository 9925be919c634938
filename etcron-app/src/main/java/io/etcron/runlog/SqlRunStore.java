package io.etcron.runlog;

import com.zaxxer.hikari.HikariDataSource;
import io.etcron.json.Json;
import io.etcron.run.JobStats;
import io.etcron.run.Outbox;
import io.etcron.run.OutputSlice;
import io.etcron.run.RetentionPolicy;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunPage;
import io.etcron.run.RunQuery;
import io.etcron.run.RunStore;
import io.etcron.run.RunStoreException;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * {@link RunStore} on SQL (H2 in PostgreSQL mode, or PostgreSQL): one row per run id, written with
 * a forward-only {@code MERGE}; listings use keyset pagination on (fire time, id) over an index per
 * filter. Thread-safe; each call uses one pooled connection.
 */
public final class SqlRunStore implements RunStore {
  static final int OUTPUT_KEPT = 64 * 1024;
  private static final int DELETE_BATCH = 5_000;
  static final String SUMMARY =
      "run_id, job, fire_time, trigger_kind, state, started_at, ended_at, worker, fencing_token, attempt,"
          + " exit_code, signal, reason, output_size";

  /** Rows in one multi-row upsert: 17 parameters a row, far below PostgreSQL's 65 535. */
  static final int UPSERT_ROWS = 500;

  private static final String ROW =
      "(CAST(? AS VARCHAR(1000)), CAST(? AS VARCHAR(128)), CAST(? AS BIGINT),"
          + " CAST(? AS VARCHAR(16)), CAST(? AS VARCHAR(16)), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS VARCHAR(200)),"
          + " CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS VARCHAR(4000)),"
          + " CAST(? AS VARCHAR(200000)), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS VARCHAR(262144)))";

  /**
   * One statement that upserts {@code rows} runs (distinct ids). The incoming row replaces the
   * stored one only when it moves it forward ({@link Run#acceptsUpdate}). Public for the
   * benchmark's same-run references.
   */
  public static String upsert(int rows) {
    return "MERGE INTO runs r USING (VALUES "
        + String.join(", ", Collections.nCopies(rows, ROW))
        + ") AS s(run_id, job, fire_time, trigger_kind, state, started_at, ended_at, worker, fencing_token, attempt,"
        + " exit_code, signal, reason, output_tail, output_size, updated_at, params)"
        + " ON r.run_id = s.run_id"
        + " WHEN MATCHED AND (r.attempt < s.attempt OR (r.attempt = s.attempt AND (r.state = 'RUNNING'"
        // a presumed loss (no exit seen) is replaced by the command's reported end:
        // Run#acceptsUpdate
        + " OR (r.state = 'LOST' AND r.exit_code IS NULL AND r.signal IS NULL"
        + " AND s.state NOT IN ('LOST', 'RUNNING', 'SKIPPED', 'MISSED')"
        + " AND (s.exit_code IS NOT NULL OR s.signal IS NOT NULL))))) THEN UPDATE SET"
        + " state = s.state, started_at = s.started_at, ended_at = s.ended_at, worker = s.worker,"
        + " fencing_token = s.fencing_token, attempt = s.attempt, exit_code = s.exit_code, signal = s.signal,"
        + " reason = s.reason, output_tail = s.output_tail, output_size = s.output_size, updated_at = s.updated_at,"
        + " params = s.params"
        + " WHEN NOT MATCHED THEN INSERT (run_id, job, fire_time, trigger_kind, state, started_at, ended_at, worker,"
        + " fencing_token, attempt, exit_code, signal, reason, output_tail, output_size, updated_at, params)"
        + " VALUES (s.run_id, s.job, s.fire_time, s.trigger_kind, s.state, s.started_at, s.ended_at, s.worker,"
        + " s.fencing_token, s.attempt, s.exit_code, s.signal, s.reason, s.output_tail, s.output_size, s.updated_at,"
        + " s.params)";
  }

  private static final String UPSERT_FULL = upsert(UPSERT_ROWS);

  private final HikariDataSource ds;
  private final boolean postgres;
  private final SqlOutbox outbox;

  SqlRunStore(HikariDataSource ds, boolean postgres) {
    this.ds = ds;
    this.postgres = postgres;
    this.outbox = new SqlOutbox(this);
  }

  /** The pool (metrics, health checks). */
  public HikariDataSource dataSource() {
    return ds;
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Failures a second attempt cures: two concurrent first inserts of one id make one MERGE fail on
   * the key (23505; once more takes the update path); PostgreSQL's deadlock (40P01) and
   * serialization (40001) aborts.
   */
  private static final Set<String> RETRIED = Set.of("23505", "40P01", "40001");

  <T> T inTransaction(String what, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = ds.getConnection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException e) {
          c.rollback();
          throw e;
        }
      } catch (SQLException e) {
        if (attempt < 3 && RETRIED.contains(e.getSQLState())) {
          continue;
        }
        throw new RunStoreException("run store failed to " + what + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Writes the runs in one transaction, {@link #UPSERT_ROWS} rows a statement. A run given more
   * than once counts as written in list order: only its most advanced version is sent, since one
   * statement may not touch a row twice.
   */
  @Override
  public void upsertAll(List<Run> runs) {
    upsertAll(runs, r -> true);
  }

  @Override
  public void upsertAll(List<Run> runs, Predicate<Run> noted) {
    if (runs.isEmpty()) {
      return;
    }
    List<Run> distinct = latestOfEach(runs);
    long now = System.currentTimeMillis();
    inTransaction(
        "store " + runs.size() + " runs",
        c -> {
          for (int from = 0; from < distinct.size(); from += UPSERT_ROWS) {
            List<Run> chunk = distinct.subList(from, Math.min(distinct.size(), from + UPSERT_ROWS));
            String sql = chunk.size() == UPSERT_ROWS ? UPSERT_FULL : upsert(chunk.size());
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              int i = 1;
              for (Run r : chunk) {
                i = bindRow(ps, i, r, now);
              }
              ps.executeUpdate();
            }
            // A run's end and its note for notifications commit together.
            SqlOutbox.noteEnds(
                c,
                chunk.stream()
                    .filter(r -> r.state().isTerminal() && noted.test(r))
                    .map(r -> r.id().toString())
                    .toList());
          }
          return null;
        });
  }

  /**
   * Each run once, as the sequence of writes in list order would leave it, sorted by id: batches of
   * several writers then lock their rows in one order and cannot deadlock each other.
   */
  static List<Run> latestOfEach(List<Run> runs) {
    Map<String, Run> latest = new TreeMap<>();
    for (Run r : runs) {
      latest.merge(
          r.id().toString(),
          r,
          (known, incoming) -> known.acceptsUpdate(incoming) ? incoming : known);
    }
    return new ArrayList<>(latest.values());
  }

  /**
   * Binds the 17 columns of {@code r} from parameter {@code i}, in the order of {@link
   * #upsert(int)}; returns the next index. Public for the benchmark's same-run references.
   */
  public static int bindRow(PreparedStatement ps, int i, Run r, long now) throws SQLException {
    ps.setString(i++, r.id().toString());
    ps.setString(i++, r.job());
    ps.setLong(i++, r.fireTime().toEpochMilli());
    ps.setString(i++, r.trigger().name());
    ps.setString(i++, r.state().name());
    setLong(ps, i++, r.startedAt().map(Instant::toEpochMilli));
    setLong(ps, i++, r.endedAt().map(Instant::toEpochMilli));
    ps.setString(i++, r.worker());
    ps.setLong(i++, r.fencingToken());
    ps.setInt(i++, r.attempt());
    setInt(ps, i++, r.exitCode());
    setInt(ps, i++, r.signal());
    ps.setString(i++, truncate(r.reason(), 4000));
    ps.setString(i++, r.outputTail());
    ps.setLong(i++, r.outputSize());
    ps.setLong(i++, now);
    // Most runs have none: no JSON writer on the hot path of scheduled runs.
    ps.setString(i++, r.params().isEmpty() ? "{}" : Json.write(r.params()));
    return i;
  }

  @Override
  public boolean markLost(RunId id, String reason, Instant at) {
    return inTransaction(
        "mark " + id + " lost",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE runs SET state = 'LOST', reason = ?, ended_at = ?, updated_at = ? WHERE run_id = ? AND state = 'RUNNING'")) {
            ps.setString(1, truncate(reason, 4000));
            ps.setLong(2, at.toEpochMilli());
            ps.setLong(3, System.currentTimeMillis());
            ps.setString(4, id.toString());
            boolean changed = ps.executeUpdate() == 1;
            if (changed) {
              SqlOutbox.noteEnds(c, List.of(id.toString()));
            }
            return changed;
          }
        });
  }

  @Override
  public Optional<Run> get(RunId id) {
    return inTransaction(
        "read run " + id,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + SUMMARY + ", output_tail, params FROM runs WHERE run_id = ?")) {
            ps.setString(1, id.toString());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(RunRows.read(rs, true)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public RunPage query(RunQuery q) {
    RunQueries.Sql sql = RunQueries.listing(q);
    List<Run> runs = inTransaction("list runs", c -> RunQueries.list(c, sql));
    Optional<String> next = Optional.empty();
    if (runs.size() > q.limit()) {
      runs = runs.subList(0, q.limit());
      next = Optional.of(RunPage.cursorAfter(runs.get(runs.size() - 1)));
    }
    return new RunPage(List.copyOf(runs), next);
  }

  @Override
  public List<Run> running() {
    return inTransaction(
        "list running runs",
        c ->
            RunQueries.list(
                c,
                new RunQueries.Sql(
                    "SELECT "
                        + SUMMARY
                        + " FROM runs WHERE state = 'RUNNING' ORDER BY fire_time DESC, run_id DESC LIMIT 10000",
                    List.of())));
  }

  @Override
  public Map<String, List<Run>> recent(Collection<String> jobs, int perJob) {
    if (jobs.isEmpty()) {
      return Map.of();
    }
    String in = String.join(", ", Collections.nCopies(jobs.size(), "?"));
    return inTransaction(
        "list recent runs",
        c -> {
          Map<String, List<Run>> out = new HashMap<>();
          jobs.forEach(j -> out.put(j, new ArrayList<>()));
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + SUMMARY
                      + " FROM (SELECT "
                      + SUMMARY
                      + ", ROW_NUMBER() OVER (PARTITION BY job ORDER BY fire_time DESC, run_id DESC) AS n"
                      + " FROM runs WHERE job IN ("
                      + in
                      + ")) newest WHERE n <= ? ORDER BY fire_time, run_id")) {
            List<Object> params = new ArrayList<>(jobs);
            params.add((long) perJob);
            RunQueries.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Run r = RunRows.read(rs, false);
                out.get(r.job()).add(r);
              }
            }
          }
          return out;
        });
  }

  @Override
  public Map<String, JobStats> stats(Collection<String> jobs, Instant since) {
    if (jobs.isEmpty()) {
      return Map.of();
    }
    return inTransaction("compute job statistics", c -> RunQueries.stats(c, jobs, since));
  }

  @Override
  public void appendOutput(RunId id, long offset, byte[] chunk) {
    inTransaction(
        "store output of " + id,
        c -> {
          long end = storedEnd(c, id);
          if (offset + chunk.length <= end) {
            return null; // sent before
          }
          int skip = (int) Math.max(0, end - offset);
          byte[] fresh = Arrays.copyOfRange(chunk, skip, chunk.length);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO run_output (run_id, start_offset, chunk) VALUES (?, ?, ?)")) {
            ps.setString(1, id.toString());
            ps.setLong(2, offset + skip);
            ps.setBytes(3, fresh);
            ps.executeUpdate();
          }
          long newEnd = offset + chunk.length;
          if (newEnd - OUTPUT_KEPT * 2L > 0) {
            // Keep at least the last 64 KiB: chunks that end before that window go.
            try (PreparedStatement ps =
                c.prepareStatement(
                    "DELETE FROM run_output WHERE run_id = ? AND start_offset + OCTET_LENGTH(chunk) <= ?")) {
              ps.setString(1, id.toString());
              ps.setLong(2, newEnd - OUTPUT_KEPT);
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  private static long storedEnd(Connection c, RunId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT start_offset + OCTET_LENGTH(chunk) FROM run_output WHERE run_id = ? ORDER BY start_offset DESC LIMIT 1")) {
      ps.setString(1, id.toString());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  @Override
  public OutputSlice readOutput(RunId id, long fromOffset) {
    return inTransaction(
        "read output of " + id,
        c -> {
          Optional<Run> run = Optional.empty();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + SUMMARY + ", output_tail, params FROM runs WHERE run_id = ?")) {
            ps.setString(1, id.toString());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                run = Optional.of(RunRows.read(rs, true));
              }
            }
          }
          boolean finished = run.map(r -> r.state().isTerminal()).orElse(false);
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          long start = -1;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT start_offset, chunk FROM run_output WHERE run_id = ? AND start_offset + OCTET_LENGTH(chunk) > ? ORDER BY start_offset")) {
            ps.setString(1, id.toString());
            ps.setLong(2, fromOffset);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long offset = rs.getLong(1);
                if (start < 0) {
                  start = offset;
                } else if (offset != start + bytes.size()) {
                  break; // a gap: the rest starts later
                }
                bytes.writeBytes(rs.getBytes(2));
              }
            }
          }
          if (start >= 0) {
            return OutputSlice.of(start, bytes.toByteArray(), fromOffset, finished);
          }
          // No live chunks (older runs, or an executor without live output): the stored tail.
          byte[] tail =
              run.map(Run::outputTail).orElse("").getBytes(java.nio.charset.StandardCharsets.UTF_8);
          long size = run.map(Run::outputSize).orElse(0L);
          return OutputSlice.of(Math.max(0, size - tail.length), tail, fromOffset, finished);
        });
  }

  @Override
  public int applyRetention(RetentionPolicy policy, Instant now) {
    int deleted = 0;
    long cutoff = now.minus(policy.maxAge()).toEpochMilli();
    deleted += deleteWhere("fire_time < ?", List.of(cutoff));
    List<String> crowded =
        inTransaction(
            "find jobs over their run limit",
            c -> {
              List<String> jobs = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT job FROM runs GROUP BY job HAVING COUNT(*) > ?")) {
                ps.setLong(1, policy.maxRunsPerJob());
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    jobs.add(rs.getString(1));
                  }
                }
              }
              return jobs;
            });
    for (String job : crowded) {
      Optional<long[]> boundary =
          inTransaction(
              "find the oldest run kept of " + job,
              c -> {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT fire_time FROM runs WHERE job = ? ORDER BY fire_time DESC, run_id DESC OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY")) {
                  ps.setString(1, job);
                  ps.setLong(2, policy.maxRunsPerJob() - 1L);
                  try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new long[] {rs.getLong(1)}) : Optional.empty();
                  }
                }
              });
      if (boundary.isPresent()) {
        deleted += deleteWhere("job = ? AND fire_time < ?", List.of(job, boundary.get()[0]));
      }
    }
    return deleted;
  }

  /** Deletes non-RUNNING runs (and their output) matching {@code where}, in bounded batches. */
  private int deleteWhere(String where, List<Object> params) {
    int total = 0;
    while (true) {
      int n =
          inTransaction(
              "apply retention",
              c -> {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT run_id FROM runs WHERE "
                            + where
                            + " AND state <> 'RUNNING' FETCH FIRST "
                            + DELETE_BATCH
                            + " ROWS ONLY")) {
                  RunQueries.bind(ps, params);
                  try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                      ids.add(rs.getString(1));
                    }
                  }
                }
                for (String table :
                    new String[] {"run_output", "run_ends", "notifications", "runs"}) {
                  try (PreparedStatement ps =
                      c.prepareStatement("DELETE FROM " + table + " WHERE run_id = ?")) {
                    for (String id : ids) {
                      ps.setString(1, id);
                      ps.addBatch();
                    }
                    ps.executeBatch();
                  }
                }
                return ids.size();
              });
      total += n;
      if (n < DELETE_BATCH) {
        return total;
      }
    }
  }

  private static void setLong(PreparedStatement ps, int i, Optional<Long> v) throws SQLException {
    if (v.isPresent()) {
      ps.setLong(i, v.get());
    } else {
      ps.setNull(i, java.sql.Types.BIGINT);
    }
  }

  private static void setInt(PreparedStatement ps, int i, Optional<Integer> v) throws SQLException {
    if (v.isPresent()) {
      ps.setInt(i, v.get());
    } else {
      ps.setNull(i, java.sql.Types.INTEGER);
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  @Override
  public Optional<Outbox> outbox() {
    return Optional.of(outbox);
  }

  /** Whether this store is PostgreSQL (else H2). */
  public boolean isPostgres() {
    return postgres;
  }

  @Override
  public void close() {
    ds.close();
  }
}
