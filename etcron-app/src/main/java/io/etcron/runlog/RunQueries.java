package io.etcron.runlog;

import io.etcron.run.JobStats;
import io.etcron.run.Run;
import io.etcron.run.RunPage;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The SQL of the run store's reads: listings with keyset pagination, and job statistics. */
final class RunQueries {
  private RunQueries() {}

  /** A statement and its parameters. */
  record Sql(String text, List<Object> params) {}

  /** Newest first, one row more than the page to know whether another page follows. */
  static Sql listing(RunQuery q) {
    StringBuilder where = new StringBuilder("1 = 1");
    List<Object> params = new ArrayList<>();
    q.job()
        .ifPresent(
            j -> {
              where.append(" AND job = ?");
              params.add(j);
            });
    if (!q.states().isEmpty()) {
      where
          .append(" AND state IN (")
          .append(q.states().stream().map(s -> "?").collect(Collectors.joining(", ")))
          .append(")");
      q.states().stream().sorted().forEach(s -> params.add(s.name()));
    }
    q.worker()
        .ifPresent(
            w -> {
              where.append(" AND worker = ?");
              params.add(w);
            });
    q.since()
        .ifPresent(
            s -> {
              where.append(" AND fire_time >= ?");
              params.add(s.toEpochMilli());
            });
    q.until()
        .ifPresent(
            u -> {
              where.append(" AND fire_time < ?");
              params.add(u.toEpochMilli());
            });
    q.cursor()
        .map(RunPage::position)
        .ifPresent(
            p -> {
              // Keyset pagination: strictly after the last row shown, in (fire_time, run_id) order.
              where.append(" AND (fire_time < ? OR (fire_time = ? AND run_id < ?))");
              params.add(p.fireTime().toEpochMilli());
              params.add(p.fireTime().toEpochMilli());
              params.add(p.id());
            });
    return new Sql(
        "SELECT "
            + SqlRunStore.SUMMARY
            + " FROM runs WHERE "
            + where
            + " ORDER BY fire_time DESC, run_id DESC FETCH FIRST "
            + (q.limit() + 1)
            + " ROWS ONLY",
        params);
  }

  static List<Run> list(Connection c, Sql sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.text())) {
      bind(ps, sql.params());
      List<Run> runs = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          runs.add(RunRows.read(rs, false));
        }
      }
      return runs;
    }
  }

  static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof Long l) {
        ps.setLong(i + 1, l);
      } else {
        ps.setString(i + 1, (String) p);
      }
    }
  }

  /** Counts by state, duration percentiles and the last run of each job, in three statements. */
  static Map<String, JobStats> stats(Connection c, Collection<String> jobs, Instant since)
      throws SQLException {
    String in = jobs.stream().map(j -> "?").collect(Collectors.joining(", "));
    List<Object> params = new ArrayList<>(jobs);
    params.add(since.toEpochMilli());
    Map<String, Map<RunState, Long>> counts = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT job, state, COUNT(*) FROM runs WHERE job IN ("
                + in
                + ") AND fire_time >= ? GROUP BY job, state")) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts
              .computeIfAbsent(rs.getString(1), k -> new EnumMap<>(RunState.class))
              .put(RunState.valueOf(rs.getString(2)), rs.getLong(3));
        }
      }
    }
    Map<String, Duration[]> percentiles = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT job,"
                + " PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY ended_at - started_at),"
                + " PERCENTILE_DISC(0.95) WITHIN GROUP (ORDER BY ended_at - started_at),"
                + " PERCENTILE_DISC(0.99) WITHIN GROUP (ORDER BY ended_at - started_at)"
                + " FROM runs WHERE job IN ("
                + in
                + ") AND fire_time >= ? AND state <> 'RUNNING'"
                + " AND started_at IS NOT NULL AND ended_at IS NOT NULL GROUP BY job")) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          percentiles.put(
              rs.getString(1),
              new Duration[] {
                Duration.ofMillis(rs.getLong(2)),
                Duration.ofMillis(rs.getLong(3)),
                Duration.ofMillis(rs.getLong(4))
              });
        }
      }
    }
    Map<String, Run> last = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + SqlRunStore.SUMMARY
                + " FROM (SELECT "
                + SqlRunStore.SUMMARY
                + ", ROW_NUMBER() OVER (PARTITION BY job ORDER BY fire_time DESC, run_id DESC) AS n"
                + " FROM runs WHERE job IN ("
                + in
                + ") AND fire_time >= ?) newest WHERE n = 1")) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Run r = RunRows.read(rs, false);
          last.put(r.job(), r);
        }
      }
    }
    Map<String, JobStats> result = new HashMap<>();
    for (String job : jobs) {
      Map<RunState, Long> byState = counts.getOrDefault(job, Map.of());
      long ran =
          byState.entrySet().stream()
              .filter(
                  e ->
                      e.getKey() != RunState.RUNNING
                          && e.getKey() != RunState.SKIPPED
                          && e.getKey() != RunState.MISSED)
              .mapToLong(Map.Entry::getValue)
              .sum();
      long ok = byState.getOrDefault(RunState.SUCCEEDED, 0L);
      Duration[] p = percentiles.get(job);
      result.put(
          job,
          new JobStats(
              job,
              Optional.ofNullable(last.get(job)),
              byState,
              ran == 0 ? Optional.empty() : Optional.of((double) ok / ran),
              Optional.ofNullable(p).map(x -> x[0]),
              Optional.ofNullable(p).map(x -> x[1]),
              Optional.ofNullable(p).map(x -> x[2])));
    }
    return result;
  }
}
