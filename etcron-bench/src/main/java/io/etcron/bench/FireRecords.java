package io.etcron.bench;

import io.etcron.json.Json;
import io.etcron.runlog.SqlRunStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the benchmark workers recorded of the fires in a window: each run that succeeded (from the
 * run store, or from the record files when the file store was used) and how many times each was
 * executed (from the record files, which see every execution). Immutable once read.
 *
 * @param runs one entry per run that succeeded
 * @param executions executions per run id
 */
record FireRecords(List<Ran> runs, Map<String, Integer> executions) {

  /** One successful run: its fire time, how late it started and where. */
  record Ran(String id, long fireMillis, long latenessMillis, String worker) {}

  /** Runs whose fire time is in [from, to), from {@code store} if given, else from the files. */
  static FireRecords read(Path dir, Optional<SqlRunStore> store, Instant from, Instant to)
      throws IOException, SQLException {
    Map<String, Integer> executions = new HashMap<>();
    Map<String, Ran> fromFiles = new HashMap<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        try (BufferedReader in = Files.newBufferedReader(f)) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            JsonLinesRunStore.Line l = Json.read(line, JsonLinesRunStore.Line.class);
            if (!l.state().equals("SUCCEEDED")
                || l.fireTime().isBefore(from)
                || !l.fireTime().isBefore(to)) {
              continue;
            }
            executions.merge(l.id(), 1, Integer::sum);
            fromFiles.put(
                l.id(),
                new Ran(
                    l.id(),
                    l.fireTime().toEpochMilli(),
                    l.startedAt().toEpochMilli() - l.fireTime().toEpochMilli(),
                    l.worker()));
          }
        }
      }
    }
    List<Ran> runs =
        store.isPresent() ? fromStore(store.get(), from, to) : new ArrayList<>(fromFiles.values());
    return new FireRecords(runs, executions);
  }

  private static List<Ran> fromStore(SqlRunStore store, Instant from, Instant to)
      throws SQLException {
    List<Ran> runs = new ArrayList<>();
    try (Connection c = store.dataSource().getConnection()) {
      c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT run_id, fire_time, started_at, worker FROM runs WHERE state = 'SUCCEEDED'"
                  + " AND trigger_kind = 'SCHEDULE' AND fire_time >= ? AND fire_time < ?")) {
        ps.setFetchSize(5_000);
        ps.setLong(1, from.toEpochMilli());
        ps.setLong(2, to.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long fire = rs.getLong(2);
            runs.add(new Ran(rs.getString(1), fire, rs.getLong(3) - fire, rs.getString(4)));
          }
        }
      }
      c.commit();
    }
    return runs;
  }

  /** Run ids executed more than once. */
  long duplicates() {
    return executions.values().stream().filter(n -> n > 1).count();
  }
}
