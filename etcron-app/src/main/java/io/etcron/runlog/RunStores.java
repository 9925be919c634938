package io.etcron.runlog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.etcron.run.RunStore;
import io.etcron.run.RunStoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
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
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      // Plan each statement for its parameters: a generic plan cached while the runs table was
      // small (a new database) scans it whole on every write as it grows, until the next ANALYZE
      // (bench runstore: 566 ended runs/s in batches of 10 before, see docs/design.md).
      config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
    }
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

  /**
   * The run store a server uses for {@code url}: the store of the first {@link RunStoreProvider} on
   * the class path that claims the URL, else the SQL store ({@link #open}); then wrapped by every
   * provider in turn. Without providers (the product's jar) this is {@link #open}.
   *
   * @throws IllegalArgumentException for a URL that no provider claims and is not a JDBC URL of H2
   *     or PostgreSQL
   * @throws RunStoreException when the store cannot be opened
   */
  public static RunStore openAny(String url) {
    List<RunStoreProvider> providers = new ArrayList<>();
    ServiceLoader.load(RunStoreProvider.class).forEach(providers::add);
    RunStore store =
        providers.stream()
            .map(p -> p.open(url))
            .flatMap(Optional::stream)
            .findFirst()
            .orElseGet(() -> open(url));
    for (RunStoreProvider p : providers) {
      store = p.wrap(store);
    }
    return store;
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
