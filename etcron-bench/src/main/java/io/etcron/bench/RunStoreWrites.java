package io.etcron.bench;

import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import io.etcron.run.Trigger;
import io.etcron.runlog.SqlRunStore;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How fast the run store writes what workers send it: N runs as RUNNING then as SUCCEEDED through
 * {@link SqlRunStore#upsertAll} in batches, beside a plain {@code INSERT} loop of the same rows
 * (one statement and one commit a row) and a per-row {@code MERGE} batch (the store's former
 * write), all in the same run on the same table. Blocking; not thread-safe.
 */
final class RunStoreWrites {
  private final SqlRunStore store;
  private final PrintWriter out;

  RunStoreWrites(SqlRunStore store, PrintWriter out) {
    this.store = store;
    this.out = out;
  }

  Map<String, Object> run(int rows, int batch) throws SQLException {
    // Warm-up: every path once on other rows, so that none is measured with a cold JIT.
    int warm = Math.min(rows, 5 * batch);
    List<Run> w = runs("warm-upsert", warm);
    inBatches(w, batch);
    inBatches(w.stream().map(RunStoreWrites::succeeded).toList(), batch);
    plainInserts(runs("warm-plain", warm));
    perRowMerges(runs("warm-perrow", warm), batch);
    multiRowMerges(runs("warm-multirow", warm), batch);
    List<Run> running = runs("upsert", rows);
    List<Run> ended = running.stream().map(RunStoreWrites::succeeded).toList();
    double insertPath = timed(() -> inBatches(running, batch), rows);
    double updatePath = timed(() -> inBatches(ended, batch), rows);
    List<Run> plain = runs("plain", rows);
    double plainLoop = timed(() -> plainInserts(plain), rows);
    List<Run> perRow = runs("perrow", rows);
    double perRowMerge = timed(() -> perRowMerges(perRow, batch), rows);
    List<Run> multiRow = runs("multirow", rows);
    double multiRowMerge = timed(() -> multiRowMerges(multiRow, batch), rows);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rows", rows);
    json.put("batch", batch);
    json.put("upsert_batch_new_rows_per_s", Math.round(insertPath));
    json.put("upsert_batch_ended_rows_per_s", Math.round(updatePath));
    json.put("plain_insert_loop_rows_per_s", Math.round(plainLoop));
    json.put("per_row_merge_batch_rows_per_s", Math.round(perRowMerge));
    json.put("multi_row_merge_rows_per_s", Math.round(multiRowMerge));
    json.put("upsert_batch_new_vs_plain_insert", Math.round(insertPath / plainLoop * 100) / 100.0);
    out.printf(
        "writes of %d runs, %d a batch: batched upsert %.0f rows/s new, %.0f rows/s ended;"
            + " plain INSERT loop %.0f rows/s; per-row MERGE batch %.0f rows/s;"
            + " multi-row MERGE %.0f rows/s%n",
        rows, batch, insertPath, updatePath, plainLoop, perRowMerge, multiRowMerge);
    return json;
  }

  private interface Body {
    void run() throws SQLException;
  }

  private static double timed(Body body, int rows) throws SQLException {
    long t0 = System.nanoTime();
    body.run();
    return rows / ((System.nanoTime() - t0) / 1e9);
  }

  private void inBatches(List<Run> runs, int batch) {
    for (int from = 0; from < runs.size(); from += batch) {
      store.upsertAll(runs.subList(from, Math.min(runs.size(), from + batch)));
    }
  }

  /** The reference: one INSERT statement and one commit per row. */
  private void plainInserts(List<Run> runs) throws SQLException {
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO runs (run_id, job, fire_time, trigger_kind, state, started_at, ended_at, worker,"
                    + " fencing_token, attempt, exit_code, signal, reason, output_tail, output_size, updated_at, params)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      c.setAutoCommit(true);
      long now = System.currentTimeMillis();
      for (Run r : runs) {
        SqlRunStore.bindRow(ps, 1, r, now);
        ps.executeUpdate();
      }
    }
  }

  /** One MERGE per row in a JDBC batch, one commit per batch. */
  private void perRowMerges(List<Run> runs, int batch) throws SQLException {
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(SqlRunStore.upsert(1))) {
      c.setAutoCommit(false);
      long now = System.currentTimeMillis();
      for (int i = 0; i < runs.size(); i++) {
        SqlRunStore.bindRow(ps, 1, runs.get(i), now);
        ps.addBatch();
        if (i % batch == batch - 1 || i == runs.size() - 1) {
          ps.executeBatch();
          c.commit();
        }
      }
      c.setAutoCommit(true);
    }
  }

  /** One MERGE of {@code batch} rows, one commit per batch. */
  private void multiRowMerges(List<Run> runs, int batch) throws SQLException {
    try (Connection c = store.dataSource().getConnection()) {
      c.setAutoCommit(false);
      long now = System.currentTimeMillis();
      for (int from = 0; from < runs.size(); from += batch) {
        List<Run> chunk = runs.subList(from, Math.min(runs.size(), from + batch));
        try (PreparedStatement ps = c.prepareStatement(SqlRunStore.upsert(chunk.size()))) {
          int i = 1;
          for (Run r : chunk) {
            i = SqlRunStore.bindRow(ps, i, r, now);
          }
          ps.executeUpdate();
        }
        c.commit();
      }
      c.setAutoCommit(true);
    }
  }

  private static List<Run> runs(String kind, int rows) {
    Instant t0 = Instant.now();
    List<Run> runs = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      RunId id = new RunId("w-" + kind + "-" + (i % 1000), t0.plusMillis(i), Trigger.SCHEDULE);
      runs.add(Run.running(id, "w1", i, 1, t0.plusMillis(i + 3)));
    }
    return runs;
  }

  private static Run succeeded(Run r) {
    return r.finished(
        RunState.SUCCEEDED,
        Optional.of(0),
        Optional.empty(),
        "",
        "",
        0,
        r.fireTime().plusMillis(9));
  }
}
