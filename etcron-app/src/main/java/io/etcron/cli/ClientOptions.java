package io.etcron.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How client commands reach the master: {@code --server}, {@code --ca}, {@code --token}, {@code
 * -o}.
 */
public final class ClientOptions {
  @Option(
      names = {"-s", "--server"},
      paramLabel = "URL",
      description = "The master's URL (env ETCRON_SERVER, default http://127.0.0.1:8080).",
      defaultValue = "${env:ETCRON_SERVER:-http://127.0.0.1:8080}")
  String server;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description =
          "PEM CA certificate(s) to trust for an https:// server instead of the system's (env"
              + " ETCRON_CA).",
      defaultValue = "${env:ETCRON_CA}")
  Path ca;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token (env ETCRON_TOKEN).",
      defaultValue = "${env:ETCRON_TOKEN}")
  String token;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table (default) or json.")
  String output;

  MasterClient client() {
    return new MasterClient(server, token, Optional.ofNullable(ca));
  }

  boolean json() {
    if (!output.equals("json") && !output.equals("table")) {
      throw new IllegalArgumentException("--output must be table or json, was " + output);
    }
    return output.equals("json");
  }
}
