package io.etcron.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.json.Json;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code etcron runs}: run history, one run, and its live output. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "List runs, newest first.",
    subcommands = {RunsCommand.Show.class, RunsCommand.Tail.class})
final class RunsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(
      names = {"-j", "--job"},
      description = "Only this job's runs.")
  String job;

  @Option(names = "--state", description = "Only runs in these states, e.g. failed,lost.")
  String state;

  @Option(names = "--worker", description = "Only runs of this worker.")
  String worker;

  @Option(names = "--since", description = "Fired since: a duration ago (1h) or an instant.")
  String since;

  @Option(names = "--until", description = "Fired before: a duration ago or an instant.")
  String until;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "How many (default ${DEFAULT-VALUE}, at most 500).")
  int limit;

  @Option(names = "--all", description = "Follow the pages to the end.")
  boolean all;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<String> q = new ArrayList<>();
    add(q, "job", job);
    add(q, "state", state);
    add(q, "worker", worker);
    add(q, "since", since);
    add(q, "until", until);
    add(q, "limit", Integer.toString(limit));
    Table t = new Table("RUN", "STATE", "FIRED", "DURATION", "WORKER", "EXIT", "REASON");
    String cursor = null;
    do {
      String path =
          "/api/v1/runs?" + String.join("&", q) + (cursor == null ? "" : "&cursor=" + enc(cursor));
      JsonNode page = client.client().get(path).json();
      if (client.json()) {
        out.println(Json.write(page));
      } else {
        for (JsonNode r : page.get("runs")) {
          t.row(
              r.get("id").asText(),
              r.get("state").asText().toLowerCase(),
              r.get("fireTime").asText(),
              r.has("durationMillis") ? r.get("durationMillis").asLong() + "ms" : "-",
              r.get("worker").asText(),
              r.has("exitCode") ? r.get("exitCode").asText() : "-",
              r.get("reason").asText());
        }
      }
      cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
    } while (all && cursor != null);
    if (!client.json()) {
      t.print(out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void add(List<String> q, String name, String value) {
    if (value != null && !value.isBlank()) {
      q.add(name + "=" + enc(value));
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one run with its output.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "RUN_ID")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode r = client.client().get("/api/v1/runs/" + enc(id)).json();
      if (client.json()) {
        out.println(Json.write(r));
      } else {
        for (String f :
            new String[] {
              "id",
              "job",
              "state",
              "trigger",
              "fireTime",
              "startedAt",
              "endedAt",
              "durationMillis",
              "worker",
              "fencingToken",
              "attempt",
              "exitCode",
              "signal",
              "reason",
              "outputSize"
            }) {
          if (r.has(f) && !r.get(f).asText().isEmpty()) {
            out.printf("%-14s %s%n", f + ":", r.get(f).asText());
          }
        }
        // A manual run's parameters, one K=V a line, as `job trigger --env` took them.
        var params = r.path("params").fields();
        if (params.hasNext()) {
          out.println("params:");
        }
        while (params.hasNext()) {
          var p = params.next();
          out.printf("  %s=%s%n", p.getKey(), p.getValue().asText());
        }
        notifications(out, client, id);
        out.println("--- output (last 64 KiB) ---");
        out.print(r.path("output").asText());
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** A run's notification deliveries, one a line; nothing when it has none. */
  private static void notifications(PrintWriter out, ClientOptions client, String id) {
    JsonNode list =
        client
            .client()
            .get("/api/v1/runs/" + enc(id) + "/notifications")
            .json()
            .path("notifications");
    if (!list.isEmpty()) {
      out.println("notifications:");
    }
    for (JsonNode d : list) {
      out.printf(
          "  %s %s %s, %d attempt%s%s%n",
          d.path("event").asText(),
          d.path("target").asText(),
          d.path("status").asText(),
          d.path("attempts").asInt(),
          d.path("attempts").asInt() == 1 ? "" : "s",
          d.has("lastError") ? ": " + d.path("lastError").asText() : "");
    }
  }

  @Command(
      name = "tail",
      mixinStandardHelpOptions = true,
      description = "Follow a run's output until it ends.")
  static final class Tail implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "RUN_ID")
    String id;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      MasterClient master = client.client();
      long offset = 0;
      while (true) {
        JsonNode slice = master.get("/api/v1/runs/" + enc(id) + "/output?from=" + offset).json();
        out.print(slice.get("text").asText());
        out.flush();
        offset = slice.get("totalSize").asLong();
        if (slice.get("finished").asBoolean()) {
          JsonNode r = master.get("/api/v1/runs/" + enc(id)).json();
          spec.commandLine()
              .getErr()
              .println(
                  "run "
                      + id
                      + " "
                      + r.get("state").asText().toLowerCase()
                      + (r.has("exitCode") ? " (exit " + r.get("exitCode").asText() + ")" : ""));
          return ExitCodes.OK;
        }
        Thread.sleep(500); // the poll period of a terminal follower
      }
    }
  }
}
