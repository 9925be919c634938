package io.etcron.runlog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.etcron.run.RunStoreException;
import java.nio.file.Path;
import java.time.Duration;
import org.flywaydb.core.Flyway;

/**
 * Opens the SQL run store from one JDBC URL: H2 ({@code jdbc:h2:file:...}) or PostgreSQL ({@code
 * jdbc:postgresql://...}), migrating its schema first.
 */
public final class RunStores {
  /** Connections per process. */
  public static final int POOL_SIZE = 8;

  private RunStores() {}

  /** The default H2 file database under {@code dataDir}, shareable by local processes. */
  public static String h2Url(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("runs")
        // WRITE_DELAY=0: a commit reaches the file before it returns, so a kill -9 of the
        // process loses no stored end (H2 otherwise writes commits in the background, ~0.5 s).
        + ";AUTO_SERVER=TRUE;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
        + ";WRITE_DELAY=0";
  }

  /**
   * Connects, migrates the schema and returns the store.
   *
   * @throws IllegalArgumentException for a URL of another database
   * @throws RunStoreException when the database cannot be reached or migrated
   */
  public static SqlRunStore open(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "run store: \"" + jdbcUrl + "\" is neither a jdbc:h2: nor a jdbc:postgresql: URL");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("etcron-runs");
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
    config.setValidationTimeout(Duration.ofSeconds(2).toMillis());
    // Start even when the database is down for now: the recorder retries until it is back.
    config.setInitializationFailTimeout(-1);
    HikariDataSource ds = new HikariDataSource(config);
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw new RunStoreException(
          "run store at " + redact(jdbcUrl) + " could not be opened: " + rootMessage(e), e);
    }
    return new SqlRunStore(ds, jdbcUrl.startsWith("jdbc:postgresql:"));
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
