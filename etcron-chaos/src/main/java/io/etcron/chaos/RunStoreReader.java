package io.etcron.chaos;

import io.etcron.chaos.check.RunRecord;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads every row of the run store's {@code runs} table over JDBC, a page at a time. */
final class RunStoreReader {
  private static final int PAGE = 1000;
  private static final String PAGE_SQL =
      "SELECT run_id, job, fire_time, trigger_kind, state, worker, fencing_token, attempt, reason"
          + " FROM runs WHERE run_id > ? ORDER BY run_id LIMIT "
          + PAGE;

  private RunStoreReader() {}

  /**
   * All rows, in run id order.
   *
   * @throws SQLException when the database cannot be read
   */
  static List<RunRecord> readAll(String jdbcUrl) throws SQLException {
    List<RunRecord> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        PreparedStatement page = c.prepareStatement(PAGE_SQL)) {
      String after = "";
      while (true) {
        page.setString(1, after);
        int n = 0;
        try (ResultSet rs = page.executeQuery()) {
          while (rs.next()) {
            n++;
            after = rs.getString(1);
            out.add(
                new RunRecord(
                    after,
                    rs.getString(2),
                    Instant.ofEpochMilli(rs.getLong(3)),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getLong(7),
                    rs.getInt(8),
                    rs.getString(9)));
          }
        }
        if (n < PAGE) {
          return out;
        }
      }
    }
  }
}
