package io.etcron.cli;

import io.etcron.run.RunStore;
import io.etcron.runlog.RunStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a server keeps its data: the data directory and the run store's JDBC URL. */
public final class ServerOptions {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "${env:ETCRON_DATA:-./data}",
      description =
          "Data directory: the H2 run store and a standalone etcd live here (default ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      defaultValue = "${env:ETCRON_DB}",
      description =
          "Run store: jdbc:postgresql://host/db?user=...&password=... (env ETCRON_DB); default an H2 file in the data directory.")
  String db;

  /**
   * Opens (and migrates) the run store, or the one an {@link io.etcron.runlog.RunStoreProvider} on
   * the class path opens for its own URL scheme.
   */
  RunStore openRunStore() {
    return RunStores.openAny(jdbcUrl());
  }

  String jdbcUrl() {
    if (db != null && !db.isBlank()) {
      return db;
    }
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot create the data directory " + data + ": " + e.getMessage());
    }
    return RunStores.h2Url(data);
  }
}
