package io.etcron.runlog;

import io.etcron.job.NotifyEvent;
import io.etcron.run.Delivery;
import io.etcron.run.Outbox;
import io.etcron.run.Run;
import io.etcron.run.RunEnd;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@link Outbox} in the run store's database (tables {@code run_ends} and {@code notifications},
 * migration V3). Thread-safe; each call is one transaction of {@link SqlRunStore}.
 */
final class SqlOutbox implements Outbox {
  /** The states that can notify: every end but SKIPPED (SUCCEEDED for {@code recovered}). */
  private static final String NOTED =
      "('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'KILLED', 'LOST', 'MISSED')";

  private static final String COLUMNS =
      "run_id, event, target, status, attempts, last_error, next_attempt, created_at, updated_at";

  private final SqlRunStore store;

  SqlOutbox(SqlRunStore store) {
    this.store = store;
  }

  /**
   * Notes the ends of {@code runIds} as their rows stand now, inside the transaction that wrote
   * them: a row the write did not move (an older report) is noted as it was, and an end noted
   * before is not noted again.
   */
  static void noteEnds(Connection c, List<String> runIds) throws SQLException {
    if (runIds.isEmpty()) {
      return;
    }
    String in = String.join(", ", Collections.nCopies(runIds.size(), "?"));
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO run_ends (run_id, attempt, state, pending)"
                + " SELECT r.run_id, r.attempt, r.state, TRUE FROM runs r WHERE r.run_id IN ("
                + in
                + ") AND r.state IN "
                + NOTED
                + " AND NOT EXISTS (SELECT 1 FROM run_ends e WHERE e.run_id = r.run_id"
                + " AND e.attempt = r.attempt AND e.state = r.state)")) {
      int i = 1;
      for (String id : runIds) {
        ps.setString(i++, id);
      }
      ps.executeUpdate();
    }
  }

  @Override
  public List<RunEnd> pendingEnds(int limit) {
    return store.inTransaction(
        "list run ends to notify",
        c -> {
          List<RunEnd> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT run_id, attempt, state FROM run_ends WHERE pending = TRUE"
                      + " ORDER BY seq LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new RunEnd(
                        RunId.parse(rs.getString(1)),
                        rs.getInt(2),
                        RunState.valueOf(rs.getString(3))));
              }
            }
          }
          return out;
        });
  }

  @Override
  public int enqueue(List<RunEnd> handled, List<Delivery> deliveries) {
    if (handled.isEmpty() && deliveries.isEmpty()) {
      return 0;
    }
    return store.inTransaction(
        "enqueue " + deliveries.size() + " notifications",
        c -> {
          int added = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "MERGE INTO notifications n USING (VALUES (CAST(? AS VARCHAR(1000)),"
                      + " CAST(? AS VARCHAR(16)), CAST(? AS VARCHAR(1100)), CAST(? AS BIGINT)))"
                      + " AS s(run_id, event, target, at)"
                      + " ON n.run_id = s.run_id AND n.event = s.event AND n.target = s.target"
                      + " WHEN NOT MATCHED THEN INSERT ("
                      + COLUMNS
                      + ") VALUES (s.run_id, s.event, s.target, 'PENDING', 0, NULL, s.at, s.at,"
                      + " s.at)")) {
            for (Delivery d : deliveries) {
              ps.setString(1, d.key().run().toString());
              ps.setString(2, d.key().event().name());
              ps.setString(3, d.key().target());
              ps.setLong(4, d.createdAt().toEpochMilli());
              added += ps.executeUpdate();
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE run_ends SET pending = FALSE WHERE run_id = ? AND attempt = ? AND state = ?")) {
            for (RunEnd e : handled) {
              ps.setString(1, e.id().toString());
              ps.setInt(2, e.attempt());
              ps.setString(3, e.state().name());
              ps.addBatch();
            }
            if (!handled.isEmpty()) {
              ps.executeBatch();
            }
          }
          return added;
        });
  }

  @Override
  public Optional<RunState> previousFinished(RunId id) {
    return store.inTransaction(
        "find the run before " + id,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT state FROM runs WHERE job = ? AND (fire_time < ? OR (fire_time = ?"
                      + " AND run_id < ?)) AND state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT',"
                      + " 'KILLED', 'LOST') ORDER BY fire_time DESC, run_id DESC LIMIT 1")) {
            long fire = id.fireTime().toEpochMilli();
            ps.setString(1, id.job());
            ps.setLong(2, fire);
            ps.setLong(3, fire);
            ps.setString(4, id.toString());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(RunState.valueOf(rs.getString(1))) : Optional.empty();
            }
          }
        });
  }

  @Override
  public List<Run> runningFiredBefore(Instant firedBefore, Optional<Run> after, int limit) {
    List<Object> params = new ArrayList<>();
    params.add(firedBefore.toEpochMilli());
    String from = "";
    if (after.isPresent()) {
      long fire = after.get().fireTime().toEpochMilli();
      from = " AND (fire_time > ? OR (fire_time = ? AND run_id > ?))";
      params.add(fire);
      params.add(fire);
      params.add(after.get().id().toString());
    }
    params.add((long) limit);
    String sql =
        "SELECT "
            + SqlRunStore.SUMMARY
            + " FROM runs WHERE state = 'RUNNING' AND fire_time < ?"
            + from
            + " ORDER BY fire_time, run_id LIMIT ?";
    return store.inTransaction(
        "list running runs for the SLA", c -> RunQueries.list(c, new RunQueries.Sql(sql, params)));
  }

  @Override
  public List<Delivery> due(Instant now, int limit) {
    return list(
        "list due notifications",
        "WHERE status = 'PENDING' AND next_attempt <= ? ORDER BY next_attempt LIMIT ?",
        List.of(now.toEpochMilli(), (long) limit));
  }

  @Override
  public List<Delivery> of(RunId id, int limit) {
    return list(
        "list the notifications of " + id,
        "WHERE run_id = ? ORDER BY created_at, event, target LIMIT ?",
        List.of(id.toString(), (long) limit));
  }

  private List<Delivery> list(String what, String where, List<Object> params) {
    return store.inTransaction(
        what,
        c -> {
          List<Delivery> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM notifications " + where)) {
            RunQueries.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(read(rs));
              }
            }
          }
          return out;
        });
  }

  private static Delivery read(ResultSet rs) throws SQLException {
    return new Delivery(
        new Delivery.Key(
            RunId.parse(rs.getString("run_id")),
            NotifyEvent.valueOf(rs.getString("event")),
            rs.getString("target")),
        Delivery.Status.valueOf(rs.getString("status")),
        rs.getInt("attempts"),
        Optional.ofNullable(rs.getString("last_error")),
        Instant.ofEpochMilli(rs.getLong("next_attempt")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }

  @Override
  public void recordAttempt(Delivery d) {
    store.inTransaction(
        "record a notification attempt",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE notifications SET status = ?, attempts = ?, last_error = ?,"
                      + " next_attempt = ?, updated_at = ?"
                      + " WHERE run_id = ? AND event = ? AND target = ? AND status = 'PENDING'")) {
            ps.setString(1, d.status().name());
            ps.setInt(2, d.attempts());
            String error = d.lastError().orElse(null);
            ps.setString(
                3, error == null || error.length() <= 2000 ? error : error.substring(0, 2000));
            ps.setLong(4, d.nextAttemptAt().toEpochMilli());
            ps.setLong(5, d.updatedAt().toEpochMilli());
            ps.setString(6, d.key().run().toString());
            ps.setString(7, d.key().event().name());
            ps.setString(8, d.key().target());
            ps.executeUpdate();
          }
          return null;
        });
  }
}
