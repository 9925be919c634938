package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.etcd.LoopbackPorts;
import io.etcron.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard and the Prometheus rules in {@code deploy/} against a running standalone:
 * promtool accepts the rules, the configuration and the live {@code /metrics} scrape, and every
 * etcron metric that the kit queries is one the scrape has. The same standalone logs with {@code
 * --log-format json}: one JSON object a line, each run's start and end once at INFO.
 */
class ObservabilityKitIT {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern METRIC = Pattern.compile("\\betcron_[a-z_]+");

  @Test
  void promtool_accepts_the_rules_and_the_scrape_and_the_kit_names_only_real_metrics(
      @TempDir Path data) throws Exception {
    assumeThat(OsCommand.installed("promtool"))
        .as("promtool (Debian package prometheus) is not installed; scripts/test installs it")
        .isTrue();
    Path rules = DEPLOY.resolve("prometheus/etcron-alerts.yml");
    promtool(null, "check", "rules", rules.toString());
    promtool(null, "check", "config", DEPLOY.resolve("prometheus/prometheus.yml").toString());
    promtool(null, "test", "rules", DEPLOY.resolve("prometheus/etcron-alerts-test.yml").toString());

    Path scrape = data.resolve("metrics.txt");
    int port = LoopbackPorts.free();
    try (CliProcess server =
        CliProcess.start(
            Map.of(),
            "standalone",
            "--log-format",
            "json",
            "--data",
            data.resolve("data").toString(),
            "--port",
            "" + port,
            "--etcd-port",
            "" + LoopbackPorts.freeWithNext())) {
      server.awaitOutput(TIMEOUT, "etcron is running");
      assertThat(server.process().isAlive()).as(server.output()).isTrue();
      Path job = data.resolve("job.yaml");
      Files.writeString(
          job,
          "name: observed\nschedule: \"@every 1s\"\ncommand: \"true\"\n---\n"
              + "name: failing\nschedule: \"@every 1s\"\ncommand: \"false\"\n");
      Map<String, String> cli = Map.of("ETCRON_SERVER", "http://127.0.0.1:" + port);
      assertThat(CliProcess.run(TIMEOUT, cli, "job", "apply", "-f", job.toString()).exit())
          .isZero();
      // Counters with labels (runs by outcome) appear with the first run that ends.
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  scrape(port).contains("etcron_runs_total{")
                      && scrape(port).contains("etcron_job_failures_total{"));
      Files.writeString(scrape, scrape(port));
      server.process().destroy();
      server.waitFor(TIMEOUT);
      logsAreJsonWithOneStartAndOneEndPerRun(server.output());
    }
    OsCommand.Result lint = promtool(scrape, "check", "metrics");
    assertThat(lint.output()).as("promtool check metrics finds no problem").isBlank();

    String metrics = Files.readString(scrape);
    Set<String> queried = new TreeSet<>();
    queried.addAll(metricNames(Files.readString(rules)));
    JsonNode dashboard =
        Json.MAPPER.readTree(DEPLOY.resolve("grafana/etcron-dashboard.json").toFile());
    assertThat(dashboard.get("panels")).hasSizeGreaterThanOrEqualTo(10);
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      panel.get("targets").forEach(t -> queried.addAll(metricNames(t.get("expr").asText())));
    }
    assertThat(queried).hasSizeGreaterThanOrEqualTo(10);
    queried.remove("etcron_tag"); // a label that prometheus.yml gives worker targets
    for (String name : queried) {
      assertThat(metrics)
          .as("the scrape has the metric %s that deploy/ queries", name)
          .containsPattern("(?m)^" + name + "(_bucket|_count|_sum|_max)?[{ ]");
    }
  }

  /** Every log line is one JSON object; each run's start and end appear once, with its ids. */
  private static void logsAreJsonWithOneStartAndOneEndPerRun(String output) throws Exception {
    Map<String, Integer> started = new java.util.HashMap<>();
    Map<String, Integer> ended = new java.util.HashMap<>();
    int lines = 0;
    for (String line : output.split("\n")) {
      if (!line.startsWith("{")) {
        continue; // the banner on stdout ("etcron is running...")
      }
      lines++;
      JsonNode entry = Json.MAPPER.readTree(line);
      assertThat(entry.has("level") && entry.has("loggerName") && entry.has("formattedMessage"))
          .as(line)
          .isTrue();
      Map<String, String> kv = new java.util.HashMap<>();
      entry
          .path("kvpList")
          .forEach(
              p -> p.fields().forEachRemaining(f -> kv.put(f.getKey(), f.getValue().asText())));
      String message = entry.get("formattedMessage").asText();
      if (message.equals("run started") || message.equals("run ended")) {
        assertThat(entry.get("level").asText()).isEqualTo("INFO");
        assertThat(kv.get("job")).isIn("observed", "failing");
        assertThat(kv.get("run")).startsWith(kv.get("job") + "@");
        assertThat(kv.get("worker")).isNotBlank();
        (message.equals("run started") ? started : ended).merge(kv.get("run"), 1, Integer::sum);
      }
    }
    assertThat(lines).isGreaterThan(3);
    assertThat(ended).isNotEmpty();
    assertThat(started.values()).containsOnly(1);
    assertThat(ended.values()).containsOnly(1);
    assertThat(started.keySet()).containsAll(ended.keySet());
  }

  private static Set<String> metricNames(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(text);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static OsCommand.Result promtool(Path input, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "promtool";
    System.arraycopy(args, 0, command, 1, args.length);
    OsCommand.Result r =
        OsCommand.run(
            TIMEOUT,
            Map.of(),
            input == null ? new java.io.File("/dev/null") : input.toFile(),
            command);
    assertThat(r.exit()).as(String.join(" ", command) + "\n" + r.output()).isZero();
    return r;
  }
}
