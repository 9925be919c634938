package io.etcron.cli;

import picocli.CommandLine.Option;

/** How client commands reach the master: {@code --server}, {@code --token}, {@code -o}. */
public final class ClientOptions {
  @Option(
      names = {"-s", "--server"},
      paramLabel = "URL",
      description = "The master's URL (env ETCRON_SERVER, default http://127.0.0.1:8080).",
      defaultValue = "${env:ETCRON_SERVER:-http://127.0.0.1:8080}")
  String server;

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
    return new MasterClient(server, token);
  }

  boolean json() {
    if (!output.equals("json") && !output.equals("table")) {
      throw new IllegalArgumentException("--output must be table or json, was " + output);
    }
    return output.equals("json");
  }
}
