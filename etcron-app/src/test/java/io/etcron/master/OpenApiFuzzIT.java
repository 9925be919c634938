package io.etcron.master;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.json.Json;
import io.etcron.master.auth.Tokens;
import io.etcron.run.InMemoryRunStore;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import io.etcron.run.Trigger;
import io.etcron.testing.EtcdExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The served OpenAPI document against the real server: thousands of requests generated from the
 * document itself (seeded, so a failure replays), each answer checked to be no 5xx, a status the
 * document lists for that operation, and a body that matches the documented schema.
 */
class OpenApiFuzzIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  static final String ADMIN = "admin-secret-0123456789";
  static final String VIEWER = "viewer-secret-0123456789";
  static final int REQUESTS = 4000;
  static Master master;
  static HttpTestClient admin;
  static JsonNode doc;
  static OpenApiInteractionValidator validator;

  record Operation(String method, String path, JsonNode spec) {}

  @BeforeAll
  static void start() throws Exception {
    InMemoryRunStore runs = new InMemoryRunStore();
    master =
        Master.start(
            MasterSettings.local(0)
                .withTokens(Tokens.parse(List.of("alice:admin:" + ADMIN, "vic:viewer:" + VIEWER))),
            etcd.client(),
            runs,
            () -> "etcron_up 1\n");
    admin = new HttpTestClient("http://127.0.0.1:" + master.port(), ADMIN);
    // Real records behind the valid names and ids, so their answers are checked with data in them.
    for (String job : List.of("fz-1", "fz-2")) {
      admin.put("/api/v1/jobs/" + job, "{\"schedule\":\"@every 1h\",\"command\":\"true\"}");
    }
    Instant fired = Instant.ofEpochMilli(1764000000000L);
    RunId done = new RunId("fz-1", fired, Trigger.SCHEDULE);
    RunId failed = new RunId("fz-2", fired, Trigger.MANUAL);
    runs.appendOutput(done, 0, "hello\n".getBytes(StandardCharsets.UTF_8));
    runs.upsertAll(
        List.of(
            Run.running(done, "w1", 7, 1, fired)
                .finished(
                    RunState.SUCCEEDED,
                    Optional.of(0),
                    Optional.empty(),
                    "",
                    "hello\n",
                    6,
                    fired.plusSeconds(8)),
            // A manual run with parameters: its answers carry params.
            Run.running(failed, "w1", 8, 2, fired)
                .withParams(java.util.Map.of("GREETING", "hi"))
                .finished(
                    RunState.FAILED,
                    Optional.of(3),
                    Optional.empty(),
                    "exit 3",
                    "",
                    0,
                    fired.plusMillis(30)),
            Run.skipped(
                new RunId("fz-1", fired.plusSeconds(3600), Trigger.SCHEDULE),
                "w1",
                9,
                "the previous run still held the job",
                fired.plusSeconds(3600))));
    var served = admin.as(null).get("/api/v1/openapi.json");
    doc = served.json();
    validator = OpenApiInteractionValidator.createForInlineApiSpecification(served.body()).build();
  }

  @AfterAll
  static void stop() {
    master.close();
  }

  @Test
  void every_route_documents_its_parameters_statuses_and_bodies() {
    for (Operation op : operations()) {
      assertThat(op.spec().get("responses").size()).as(op.path()).isGreaterThan(2);
      assertThat(op.spec().at("/responses/400/content/application~1json").isMissingNode())
          .as(op.method() + " " + op.path())
          .isFalse();
    }
    assertThat(doc.at("/paths/~1api~1v1~1runs/get/parameters").size()).isEqualTo(7);
    assertThat(doc.at("/paths/~1api~1v1~1jobs~1{name}/put/responses/201").isMissingNode())
        .isFalse();
    assertThat(doc.at("/components/schemas/JobSpec/properties/retries/maximum").asInt())
        .isEqualTo(10);
    assertThat(doc.at("/components/schemas/JobSpec/properties/http/required/0").asText())
        .isEqualTo("url");
  }

  @Test
  void generated_requests_get_documented_statuses_and_bodies_and_never_a_server_error()
      throws Exception {
    Random random = new Random(20261201);
    List<Operation> ops = operations();
    Map<Integer, Integer> seen = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < REQUESTS && problems.size() < 10; i++) {
      Operation op = ops.get(random.nextInt(ops.size()));
      String method = op.method();
      if (random.nextInt(12) == 0) {
        method = pick(random, List.of("GET", "PUT", "POST", "DELETE", "PATCH"));
      }
      String path = fillPath(random, op.path());
      String query = query(random, op.spec());
      String body =
          method.equals("PUT")
              ? body(random)
              : method.equals("POST") && op.path().equals("/api/v1/jobs") ? batch(random) : null;
      Map<String, String> headers = new HashMap<>();
      if (op.path().endsWith("/stream") && random.nextInt(4) > 0) {
        headers.put("Accept", "text/event-stream");
      }
      if (random.nextInt(6) == 0) {
        headers.put(
            random.nextBoolean() ? "If-Match" : "If-None-Match",
            pick(
                random,
                List.of("\"1\"", "\"0\"", "abc", "*", "W/\"3\"", "\"99999999999999999999\"")));
      }
      HttpTestClient who =
          switch (random.nextInt(10)) {
            case 0 -> admin.as(null);
            case 1 -> admin.as(VIEWER);
            default -> admin;
          };
      var r = who.send(method, path + query, body, headers);
      seen.merge(r.status(), 1, Integer::sum);
      String what = "#" + i + " " + method + " " + path + query + " " + body + " -> " + r.status();
      if (r.status() >= 500) {
        problems.add(what + " " + r.body());
        continue;
      }
      JsonNode pathItem = doc.get("paths").get(op.path());
      if (!pathItem.has(method.toLowerCase(Locale.ROOT))) {
        boolean unreadablePath =
            r.status() == 400 && r.body().contains("the request could not be read");
        if (r.status() != 405 && !unreadablePath) {
          problems.add(what + ": a method the path does not have must be 405");
        }
        continue;
      }
      JsonNode documented = pathItem.get(method.toLowerCase(Locale.ROOT)).get("responses");
      if (!documented.has(Integer.toString(r.status()))) {
        problems.add(what + ": status not in the document " + r.body());
        continue;
      }
      ValidationReport report =
          validator.validateResponse(
              path,
              Request.Method.valueOf(method),
              SimpleResponse.Builder.status(r.status())
                  .withContentType(
                      r.header("Content-Type") == null
                          ? "application/json"
                          : r.header("Content-Type"))
                  .withBody(r.body())
                  .build());
      if (report.hasErrors()) {
        problems.add(what + ": " + report.getMessages() + " " + r.body());
      }
    }
    assertThat(problems).as("answers seen: %s", seen).isEmpty();
    assertThat(seen.keySet()).contains(200, 201, 400, 401, 403, 404, 405, 422);
  }

  static List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = doc.get("paths").fields(); p.hasNext(); ) {
      var path = p.next();
      for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
        var method = m.next();
        ops.add(
            new Operation(
                method.getKey().toUpperCase(Locale.ROOT), path.getKey(), method.getValue()));
      }
    }
    return ops;
  }

  static final List<String> NAMES =
      List.of(
          "fz-1",
          "fz-2",
          "new",
          "a..b",
          "-x",
          ".x",
          "x".repeat(200),
          "%E9",
          "%C3%A9",
          "%20",
          "a.b_c-d");
  static final List<String> RUN_IDS =
      List.of(
          "fz-1@1764000000000",
          "fz-2@1764000000000~manual",
          "abc",
          "fz-1@-1",
          "fz-1@99999999999999999999",
          "%40");
  static final List<String> NUMBERS =
      List.of("0", "1", "5", "-1", "abc", "1.5", "99999999999999999999", "9223372036854775807", "");
  static final List<String> TIMES =
      List.of(
          "1h",
          "24h",
          "2026-01-01T00:00:00Z",
          "+1000000000-12-31T23:59:59Z",
          "P999999999999D",
          "PT1H",
          "abc",
          "");
  static final List<String> TEXT =
      List.of(
          "fz-1",
          "fz-1,fz-2",
          "failed",
          "FAILED,running",
          "bogus",
          "@every 1s",
          "0 61 * * * *",
          "Europe/Berlin",
          "Nowhere/X",
          "\u00e9",
          "");

  static String fillPath(Random random, String template) {
    return template
        .replace("{name}", pick(random, NAMES))
        .replace("{id}", enc(pick(random, RUN_IDS)).replace("%25", "%"));
  }

  static String query(Random random, JsonNode op) {
    StringBuilder q = new StringBuilder();
    for (JsonNode p : op.path("parameters")) {
      if (!p.get("in").asText().equals("query") || random.nextInt(3) == 0) {
        continue;
      }
      String name = p.get("name").asText();
      List<String> pool =
          p.at("/schema/type").asText().equals("integer")
              ? NUMBERS
              : name.equals("since") || name.equals("until") ? TIMES : TEXT;
      q.append(q.length() == 0 ? "?" : "&")
          .append(name)
          .append('=')
          .append(enc(pick(random, pool)));
    }
    return q.toString();
  }

  static String body(Random random) {
    int shape = random.nextInt(10);
    if (shape == 0) {
      return pick(random, List.of("null", "[]", "{", "\"x\"", "", "{}", "{\"schedule\":"));
    }
    Map<String, Object> spec = new HashMap<>();
    if (shape == 1 || shape == 2) {
      // A valid job as is: the fuzz reaches the paths that create and change jobs.
      return Json.write(Map.of("schedule", "@every 1h", "command", "true"));
    }
    if (shape < 4) {
      spec.put("schedule", pick(random, List.of("@every 1h", "@daily", "0 0 3 * * *")));
      spec.put("command", "true");
    } else if (shape == 4) {
      // HTTP jobs draw from their own generator: the command jobs' sequence stays as it was
      spec.put("schedule", "@every 1h");
      spec.put("http", Map.of("url", "http://127.0.0.1:9/", "expectStatus", List.of(204, "3xx")));
    }
    Object[][] fields = {
      {"schedule", "@every 1h", "0 61 * * * *", 5, ""},
      {"command", "echo fz", 42, "", true},
      {"timeZone", "Europe/Berlin", "Nowhere/X", 1},
      {"retries", 2, 99, "3", 1.5, -1},
      {"maxCatchUp", 5, 0, 1001, "5"},
      {"paused", true, false, "true", 1},
      {"tags", List.of("a"), "a", List.of(1)},
      {"env", Map.of("A", "b"), "A=b", Map.of("A", 1)},
      {"concurrency", "forbid", "bogus", 1},
      {"timeout", "30s", "forever", 30},
      {"description", "d", "x".repeat(1200), "\ud800"},
      {"bogus", 1, "x"},
      {
        "notify",
        List.of(Map.of("on", List.of("failed"), "webhook", "http://127.0.0.1:9/h")),
        List.of(Map.of("on", List.of("exploded"), "email", "nobody")),
        List.of(Map.of("on", "failed")),
        "failed"
      },
      {"sla", "5m", "0s", 5},
    };
    for (Object[] f : fields) {
      if (random.nextInt(4) == 0) {
        spec.put((String) f[0], f[1 + random.nextInt(f.length - 1)]);
      }
    }
    if (HTTP_FUZZ.nextInt(4) == 0) {
      spec.put("http", pick(HTTP_FUZZ, HTTP_VALUES));
    }
    if (AFTER_FUZZ.nextInt(5) == 0) {
      spec.put("after", pick(AFTER_FUZZ, AFTER_VALUES));
    }
    return Json.write(spec);
  }

  /** Names of batch-applied jobs: others than the paths', so that a PUT still creates. */
  static final List<String> BATCH_NAMES = List.of("bulk-1", "bulk-2", "a..b", "-x", "", "fz-1");

  /** A body for {@code POST /api/v1/jobs}: a few generated jobs, named or not. */
  static String batch(Random random) {
    List<String> jobs = new ArrayList<>();
    for (int n = random.nextInt(3); n >= 0; n--) {
      String job = body(random);
      if (job.startsWith("{\"") && random.nextInt(5) > 0) {
        job = "{\"name\":" + Json.write(pick(random, BATCH_NAMES)) + "," + job.substring(1);
      }
      jobs.add(job);
    }
    return random.nextInt(10) == 0
        ? "{\"jobs\":" + jobs.get(0) + "}"
        : "{\"jobs\":[" + String.join(",", jobs) + "]}";
  }

  /** Its own sequence, so that the other fields' draws stay as they were. */
  static final Random AFTER_FUZZ = new Random(20261203);

  static final List<Object> AFTER_VALUES =
      List.of(
          Map.of("jobs", List.of("bulk-1")),
          Map.of("jobs", List.of("bulk-1", "fz-1"), "on", "always"),
          Map.of("jobs", List.of()),
          Map.of("jobs", List.of("../x")),
          Map.of("jobs", List.of("nobody-here"), "on", "sometimes"),
          Map.of("jobs", "bulk-1"),
          Map.of("on", "failure"),
          "bulk-1",
          List.of("bulk-1"));

  static final Random HTTP_FUZZ = new Random(20261202);
  static final List<Object> HTTP_VALUES =
      List.of(
          Map.of("url", "http://127.0.0.1:9/", "method", "post", "body", "x"),
          Map.of("url", "ftp://x/", "method", "FETCH", "expectStatus", "ok"),
          Map.of("url", 42),
          Map.of("url", "http://h/", "headers", Map.of("Bad Name", "x")),
          Map.of("url", "http://h/", "expectStatus", List.of(true)),
          "http://h/");

  static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
