package io.etcron.runlog;

import io.etcron.json.Json;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a {@link Run} from a row of {@link SqlRunStore#SUMMARY} columns (plus output and
 * parameters).
 */
final class RunRows {
  @SuppressWarnings("unchecked")
  private static final Class<Map<String, String>> PARAMS =
      (Class<Map<String, String>>) (Class<?>) Map.class;

  private RunRows() {}

  static Run read(ResultSet rs, boolean withOutput) throws SQLException {
    RunId id = RunId.parse(rs.getString("run_id"));
    return new Run(
        id,
        RunState.valueOf(rs.getString("state")),
        instant(rs, "started_at"),
        instant(rs, "ended_at"),
        rs.getString("worker"),
        rs.getLong("fencing_token"),
        rs.getInt("attempt"),
        integer(rs, "exit_code"),
        integer(rs, "signal"),
        rs.getString("reason"),
        withOutput ? rs.getString("output_tail") : "",
        rs.getLong("output_size"),
        withOutput ? params(rs.getString("params")) : Map.of());
  }

  private static Map<String, String> params(String json) {
    return json == null || json.equals("{}") ? Map.of() : Json.readStored(json, PARAMS);
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
  }

  private static Optional<Integer> integer(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(v);
  }
}
