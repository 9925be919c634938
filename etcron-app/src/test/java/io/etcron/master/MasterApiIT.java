package io.etcron.master;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.master.auth.Tokens;
import io.etcron.master.http.Route;
import io.etcron.run.InMemoryRunStore;
import io.etcron.store.Keys;
import io.etcron.store.WorkerInfo;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The master's REST API against real etcd, as clients use it. */
class MasterApiIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  static final String ADMIN = "admin-secret-0123456789";
  static final String OPERATOR = "operator-secret-0123456789";
  static final String VIEWER = "viewer-secret-0123456789";
  static Master master;
  static Master second;
  static HttpTestClient admin;

  @BeforeAll
  static void start() {
    Tokens tokens =
        Tokens.parse(
            List.of("alice:admin:" + ADMIN, "olga:operator:" + OPERATOR, "vic:viewer:" + VIEWER));
    master =
        Master.start(
            MasterSettings.local(0).withTokens(tokens),
            etcd.client(),
            new InMemoryRunStore(),
            () -> "");
    second =
        Master.start(
            MasterSettings.local(0).withTokens(tokens),
            etcd.newClient(),
            new InMemoryRunStore(),
            () -> "");
    admin = new HttpTestClient("http://127.0.0.1:" + master.port(), ADMIN);
  }

  @AfterAll
  static void stop() {
    master.close();
    second.close();
  }

  static String job(String schedule, String command) {
    return "{\"schedule\":\"" + schedule + "\",\"command\":\"" + command + "\"}";
  }

  @Test
  void after_refuses_unknown_parents_and_cycles_naming_the_field_and_shows_the_graph()
      throws Exception {
    admin.put("/api/v1/jobs/g-extract", job("@every 1h", "true"));
    String afterExtract = "{\"command\":\"true\",\"after\":{\"jobs\":[\"g-extract\"]}}";
    assertThat(admin.put("/api/v1/jobs/g-load", afterExtract).status()).isEqualTo(201);
    String afterLoad = "{\"command\":\"true\",\"after\":{\"jobs\":[\"g-load\"],\"on\":\"always\"}}";
    assertThat(admin.put("/api/v1/jobs/g-report", afterLoad).status()).isEqualTo(201);

    var unknown =
        admin.put(
            "/api/v1/jobs/g-orphan", "{\"command\":\"true\",\"after\":{\"jobs\":[\"g-nope\"]}}");
    assertThat(unknown.status()).as(unknown.body()).isEqualTo(422);
    assertThat(unknown.body()).contains("after.jobs[0]: no job named \\\"g-nope\\\"");

    // extract after report closes extract -> load -> report -> extract.
    var cycle =
        admin.put(
            "/api/v1/jobs/g-extract",
            "{\"schedule\":\"@every 1h\",\"command\":\"true\",\"after\":{\"jobs\":[\"g-report\"]}}");
    assertThat(cycle.status()).as(cycle.body()).isEqualTo(422);
    assertThat(cycle.body())
        .contains("after.jobs[0]")
        .contains("g-extract -> g-load -> g-report")
        .contains("cycle");
    var noSchedule = admin.put("/api/v1/jobs/g-lonely", job("", "true"));
    assertThat(noSchedule.status()).isEqualTo(422);
    assertThat(noSchedule.body()).contains("unless the job has parents in after");

    // In one batch, parents may come with their children; a cycle among them is refused.
    var batch =
        admin.send(
            "POST",
            "/api/v1/jobs",
            "{\"jobs\":[{\"name\":\"g-x\",\"command\":\"true\",\"after\":{\"jobs\":[\"g-y\"]}},"
                + "{\"name\":\"g-y\",\"command\":\"true\",\"after\":{\"jobs\":[\"g-x\"]}}]}",
            Map.of());
    assertThat(batch.status()).as(batch.body()).isEqualTo(422);
    assertThat(batch.body()).contains("jobs[0].after").contains("cycle");

    var graph = admin.get("/api/v1/jobs/g-load/graph");
    assertThat(graph.status()).as(graph.body()).isEqualTo(200);
    List<String> edges = new ArrayList<>();
    graph
        .json()
        .get("edges")
        .forEach(
            e ->
                edges.add(
                    e.get("from").asText()
                        + ">"
                        + e.get("to").asText()
                        + ":"
                        + e.get("on").asText()));
    assertThat(edges)
        .containsExactlyInAnyOrder("g-extract>g-load:success", "g-load>g-report:always");
    assertThat(admin.get("/api/v1/jobs/g-report").json().at("/schedule").asText())
        .contains("no schedule");
  }

  @Test
  void previews_leave_out_the_fires_of_excluded_days_and_name_them() throws Exception {
    java.time.LocalDate tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
    var p = admin.get("/api/v1/schedule/preview?schedule=@daily&n=2&exclude=" + tomorrow);
    assertThat(p.status()).as(p.body()).isEqualTo(200);
    assertThat(p.json().at("/excluded/0").asText()).isEqualTo(tomorrow + "T00:00:00Z");
    assertThat(p.json().at("/fires/0").asText()).isEqualTo(tomorrow.plusDays(1) + "T00:00:00Z");
    var bad = admin.get("/api/v1/schedule/preview?schedule=@daily&exclude=2026-13-01");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("exclude[0]").contains("is not a date");
    String job =
        "{\"schedule\":\"@daily\",\"command\":\"true\",\"exclude\":[\"" + tomorrow + "\"]}";
    assertThat(admin.put("/api/v1/jobs/x-holiday", job).status()).isEqualTo(201);
    var next = admin.get("/api/v1/jobs/x-holiday/next?n=1");
    assertThat(next.json().at("/fires/0").asText()).isEqualTo(tomorrow.plusDays(1) + "T00:00:00Z");
    var invalid =
        admin.put(
            "/api/v1/jobs/x-bad-holiday",
            "{\"schedule\":\"@daily\",\"command\":\"true\",\"exclude\":[\"2026-12-26..2026-12-24\"]}");
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.body())
        .contains("exclude[0]: \\\"2026-12-26..2026-12-24\\\" ends before it starts");
  }

  @Test
  void a_trigger_carries_parameters_validated_like_a_jobs_env() throws Exception {
    admin.put("/api/v1/jobs/params", job("@every 1h", "true"));
    HttpTestClient operator = admin.as(OPERATOR);
    String trigger = "/api/v1/jobs/params/trigger";
    var ok =
        operator.send("POST", trigger, "{\"env\":{\"GREETING\":\"hi\",\"EMPTY\":\"\"}}", Map.of());
    assertThat(ok.status()).as(ok.body()).isEqualTo(202);
    List<JsonNode> stored = values("/etcron/triggers/params/");
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).get("env"))
        .isEqualTo(io.etcron.json.Json.MAPPER.readTree("{\"EMPTY\":\"\",\"GREETING\":\"hi\"}"));
    assertThat(stored.get(0).get("by").asText()).isEqualTo("olga");
    assertThat(ok.json().get("runId").asText()).startsWith("params@").endsWith("~manual");
    // No body, or an empty env: a request without parameters, as before.
    assertThat(operator.post(trigger).status()).isEqualTo(202);
    assertThat(operator.send("POST", trigger, "{\"env\":{}}", Map.of()).status()).isEqualTo(202);
    assertThat(operator.send("POST", trigger, "{}", Map.of()).status()).isEqualTo(202);
    assertThat(values("/etcron/triggers/params/"))
        .hasSize(4)
        .filteredOn(v -> v.has("env"))
        .hasSize(1);

    Map<String, String> invalid =
        Map.of(
            "{\"env\":{\"1X\":\"v\"}}",
            "env.1X",
            "{\"env\":{\"ETCRON_JOB\":\"v\"}}",
            "env.ETCRON_JOB",
            "{\"env\":{\"etcron_x\":\"v\"}}",
            "env.etcron_x",
            "{\"env\":{\"K\":null}}",
            "env.K",
            "{\"env\":{\"K\":\"a\\u0000b\"}}",
            "env.K",
            "{\"env\":{\"BIG\":\"" + "x".repeat(32 * 1024 + 1) + "\"}}",
            "env.BIG");
    for (var e : invalid.entrySet()) {
      var r = operator.send("POST", trigger, e.getKey(), Map.of());
      String what = e.getKey().substring(0, Math.min(60, e.getKey().length()));
      assertThat(r.status()).as(what + " " + r.body()).isEqualTo(422);
      assertThat(r.json().get("field").asText()).as(what).isEqualTo(e.getValue());
      assertThat(r.json().get("message").asText()).as(what).startsWith(e.getValue() + ": ");
    }
    StringBuilder many = new StringBuilder("{\"env\":{");
    for (int i = 0; i <= 100; i++) {
      many.append(i == 0 ? "" : ",").append("\"V").append(i).append("\":\"x\"");
    }
    var tooMany = operator.send("POST", trigger, many.append("}}").toString(), Map.of());
    assertThat(tooMany.status()).isEqualTo(422);
    assertThat(tooMany.json().get("field").asText()).isEqualTo("env");
    assertThat(tooMany.json().get("message").asText()).contains("101 variables; at most 100");
    var two =
        operator.send(
            "POST", trigger, "{\"env\":{\"A-B\":\"v\",\"ETCRON_X\":\"v\",\"OK\":\"v\"}}", Map.of());
    assertThat(two.status()).isEqualTo(422);
    assertThat(two.json().get("fields"))
        .extracting(f -> f.get("field").asText())
        .containsExactlyInAnyOrder("env.A-B", "env.ETCRON_X");

    Map<String, String> wrongType =
        Map.of(
            "{\"env\":\"GREETING=hi\"}", "env",
            "{\"env\":{\"N\":5}}", "env.N",
            "{\"env\":{\"L\":[\"x\"]}}", "env.L",
            "{\"env\":[]}", "env",
            "{\"params\":{}}", "params");
    for (var e : wrongType.entrySet()) {
      var r = operator.send("POST", trigger, e.getKey(), Map.of());
      assertThat(r.status()).as(e.getKey() + " " + r.body()).isEqualTo(400);
      assertThat(r.json().get("field").asText()).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(operator.send("POST", trigger, "[]", Map.of()).status()).isEqualTo(400);
    assertThat(operator.send("POST", trigger, "{\"env\":", Map.of()).status()).isEqualTo(400);
    var huge =
        operator.send(
            "POST", trigger, "{\"env\":{\"K\":\"" + "x".repeat(400_000) + "\"}}", Map.of());
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.json().get("error").asText()).isEqualTo("body_too_large");
    var text = operator.send("POST", trigger, "{\"env\":{}}", Map.of("Content-Type", "text/plain"));
    assertThat(text.status()).isEqualTo(415);
    // Nothing refused was written.
    assertThat(values("/etcron/triggers/params/")).hasSize(4);
    assertThat(
            operator
                .send("POST", "/api/v1/jobs/nope/trigger", "{\"env\":{\"A\":\"b\"}}", Map.of())
                .status())
        .isEqualTo(404);
  }

  private static List<JsonNode> values(String prefix) throws Exception {
    List<JsonNode> values = new ArrayList<>();
    for (var kv :
        etcd.client()
            .getKVClient()
            .get(
                Keys.bytes(prefix),
                io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())
            .get(5, TimeUnit.SECONDS)
            .getKvs()) {
      values.add(
          io.etcron.json.Json.MAPPER.readTree(kv.getValue().toString(StandardCharsets.UTF_8)));
    }
    return values;
  }

  @Test
  void workers_page_by_id_with_a_cursor() throws Exception {
    for (String id : List.of("pw-c", "pw-a", "pw-e", "pw-b", "pw-d")) {
      WorkerInfo w =
          new WorkerInfo(id, "h", 1, "t", Set.of(), 1, Instant.EPOCH, List.of(), "1", false);
      etcd.client()
          .getKVClient()
          .put(Keys.bytes(Keys.of("/etcron/").worker(id)), Keys.bytes(io.etcron.json.Json.write(w)))
          .get(5, TimeUnit.SECONDS);
    }
    List<String> ids = new ArrayList<>();
    Awaitility.await()
        .atMost(Timing.seconds(10))
        .until(() -> admin.get("/api/v1/workers").json().get("workers").size() >= 5);
    String cursor = "";
    int pages = 0;
    while (cursor != null) {
      JsonNode page = admin.get("/api/v1/workers?limit=2&cursor=" + cursor).json();
      page.get("workers").forEach(w -> ids.add(w.get("id").asText()));
      cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
      pages++;
    }
    assertThat(ids)
        .filteredOn(i -> i.startsWith("pw-"))
        .containsExactly("pw-a", "pw-b", "pw-c", "pw-d", "pw-e");
    assertThat(pages).isGreaterThanOrEqualTo(3);
    for (String id : List.of("pw-a", "pw-b", "pw-c", "pw-d", "pw-e")) {
      etcd.client()
          .getKVClient()
          .delete(Keys.bytes(Keys.of("/etcron/").worker(id)))
          .get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void create_update_with_versions_and_delete() throws Exception {
    var created =
        admin.put("/api/v1/jobs/crud", job("@every 1m", "echo 1"), Map.of("If-None-Match", "*"));
    assertThat(created.status()).isEqualTo(201);
    String v1 = created.header("ETag");
    assertThat(v1).matches("\"\\d+\"");
    assertThat(created.json().at("/spec/concurrency").asText()).isEqualTo("forbid");

    assertThat(
            admin
                .put("/api/v1/jobs/crud", job("@every 1m", "x"), Map.of("If-None-Match", "*"))
                .status())
        .isEqualTo(412);

    var updated =
        admin.put("/api/v1/jobs/crud", job("@every 2m", "echo 2"), Map.of("If-Match", v1));
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.header("ETag")).isNotEqualTo(v1);

    var stale = admin.put("/api/v1/jobs/crud", job("@every 3m", "echo 3"), Map.of("If-Match", v1));
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.json().get("error").asText()).isEqualTo("version_conflict");
    assertThat(stale.json().get("message").asText()).contains("changed by someone else");

    var got = admin.get("/api/v1/jobs/crud");
    assertThat(got.json().at("/spec/command").asText()).isEqualTo("echo 2");
    assertThat(got.json().get("nextFires")).hasSize(5);
    assertThat(got.header("ETag")).isEqualTo(updated.header("ETag"));

    assertThat(admin.delete("/api/v1/jobs/crud", Map.of("If-Match", v1)).status()).isEqualTo(412);
    assertThat(
            admin.delete("/api/v1/jobs/crud", Map.of("If-Match", updated.header("ETag"))).status())
        .isEqualTo(204);
    assertThat(admin.get("/api/v1/jobs/crud").status()).isEqualTo(404);
    assertThat(admin.delete("/api/v1/jobs/crud", Map.of()).status()).isEqualTo(404);

    JsonNode audit = admin.get("/api/v1/audit?job=crud").json().get("entries");
    assertThat(audit)
        .extracting(e -> e.get("action").asText())
        .containsExactly("delete", "update", "create");
    assertThat(audit.get(0).get("actor").asText()).isEqualTo("alice");
  }

  @Test
  void the_job_list_comes_in_pages_that_follow_each_other() throws Exception {
    for (int i = 0; i < 25; i++) {
      String name = String.format("pagingjob-%02d", i);
      assertThat(admin.put("/api/v1/jobs/" + name, job("@every 1h", "true"), Map.of()).status())
          .isIn(200, 201);
    }
    List<String> seen = new java.util.ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      var page =
          admin.get(
              "/api/v1/jobs?q=pagingjob&limit=10" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      page.json().get("jobs").forEach(j -> seen.add(j.at("/spec/name").asText()));
      assertThat(page.json().get("jobs").size()).isLessThanOrEqualTo(10);
      JsonNode next = page.json().path("nextCursor");
      cursor = next.isTextual() ? next.asText() : null;
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(seen).hasSize(25).isSorted().doesNotHaveDuplicates();
    assertThat(pages).isBetween(3, 4);

    assertThat(admin.get("/api/v1/jobs?limit=1").json().get("jobs")).hasSize(1);
    assertThat(admin.get("/api/v1/jobs?limit=0").status()).isEqualTo(400);
    assertThat(admin.get("/api/v1/jobs?limit=1001").status()).isEqualTo(400);
    var bad = admin.get("/api/v1/jobs?cursor=" + enc("../x"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("message").asText()).startsWith("cursor:");
  }

  @Test
  void the_job_list_filters_by_tag_and_paused_and_counts_every_job() throws Exception {
    for (int i = 0; i < 6; i++) {
      String body =
          "{\"schedule\":\"@every 1h\",\"command\":\"true\",\"tags\":[\""
              + (i % 2 == 0 ? "even" : "odd")
              + "\"],\"paused\":"
              + (i < 3)
              + "}";
      assertThat(admin.put("/api/v1/jobs/filterjob-" + i, body, Map.of()).status()).isIn(200, 201);
    }
    long all = admin.get("/api/v1/jobs?limit=1000").json().get("jobs").size();
    java.util.function.Function<String, List<String>> names =
        query -> {
          try {
            var page = admin.get("/api/v1/jobs?q=filterjob&" + query).json();
            assertThat(page.get("total").asLong()).isEqualTo(all);
            List<String> out = new java.util.ArrayList<>();
            page.get("jobs").forEach(j -> out.add(j.at("/spec/name").asText()));
            return out;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    assertThat(names.apply("tag=even"))
        .containsExactly("filterjob-0", "filterjob-2", "filterjob-4");
    assertThat(names.apply("paused=true"))
        .containsExactly("filterjob-0", "filterjob-1", "filterjob-2");
    assertThat(names.apply("tag=odd&paused=false")).containsExactly("filterjob-3", "filterjob-5");
    var bad = admin.get("/api/v1/jobs?paused=yes");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("message").asText()).isEqualTo("paused must be true or false");
  }

  @Test
  void many_jobs_are_applied_at_once_and_an_invalid_one_writes_none() throws Exception {
    var first =
        admin.send(
            "POST",
            "/api/v1/jobs",
            "{\"jobs\":[{\"name\":\"bulk-a\",\"schedule\":\"@daily\",\"command\":\"true\"},"
                + "{\"name\":\"bulk-b\",\"schedule\":\"@daily\",\"command\":\"true\"}]}",
            Map.of());
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().get("results").findValuesAsText("result"))
        .containsExactly("created", "created");
    var second =
        admin.send(
            "POST",
            "/api/v1/jobs",
            "{\"jobs\":[{\"name\":\"bulk-a\",\"schedule\":\"@daily\",\"command\":\"true\"},"
                + "{\"name\":\"bulk-b\",\"schedule\":\"@hourly\",\"command\":\"true\"},"
                + "{\"name\":\"bulk-c\",\"schedule\":\"@daily\",\"command\":\"true\"}]}",
            Map.of());
    assertThat(second.json().get("results").findValuesAsText("result"))
        .containsExactly("unchanged", "changed", "created");
    assertThat(second.json().get("results").get(0).get("version").asLong())
        .isEqualTo(first.json().get("results").get(0).get("version").asLong());

    var invalid =
        admin.send(
            "POST",
            "/api/v1/jobs",
            "{\"jobs\":[{\"name\":\"bulk-d\",\"schedule\":\"@daily\",\"command\":\"true\"},"
                + "{\"name\":\"bulk-e\",\"schedule\":\"0 61 * * * *\",\"command\":\"true\"},"
                + "{\"name\":\"bulk-d\",\"schedule\":\"@daily\",\"command\":\"true\"}]}",
            Map.of());
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().get("fields").findValuesAsText("field"))
        .containsExactly("jobs[1].schedule", "jobs[2].name");
    assertThat(invalid.json().get("message").asText())
        .contains("job \"bulk-e\" (jobs[1]): schedule: ")
        .contains("job \"bulk-d\" (jobs[2]): name: also given as jobs[0]");
    assertThat(admin.get("/api/v1/jobs/bulk-d").status()).isEqualTo(404);

    var wrongType =
        admin.send(
            "POST",
            "/api/v1/jobs",
            "{\"jobs\":[{\"name\":\"bulk-f\",\"schedule\":\"@daily\",\"command\":\"true\","
                + "\"retries\":\"3\"}]}",
            Map.of());
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.json().get("field").asText()).isEqualTo("jobs[0].retries");
    assertThat(admin.send("POST", "/api/v1/jobs", "{\"jobs\":[]}", Map.of()).status())
        .isEqualTo(400);
    assertThat(admin.as(OPERATOR).send("POST", "/api/v1/jobs", "{\"jobs\":[]}", Map.of()).status())
        .isEqualTo(403);
  }

  @Test
  void pause_resume_trigger_and_kill_reach_etcd() throws Exception {
    admin.put("/api/v1/jobs/ops", job("@every 1h", "sleep 1"));
    HttpTestClient operator = admin.as(OPERATOR);
    assertThat(operator.post("/api/v1/jobs/ops/pause").json().at("/spec/paused").asBoolean())
        .isTrue();
    assertThat(operator.post("/api/v1/jobs/ops/resume").json().at("/spec/paused").asBoolean())
        .isFalse();
    var trigger = operator.post("/api/v1/jobs/ops/trigger");
    assertThat(trigger.status()).isEqualTo(202);
    assertThat(trigger.json().get("runId").asText()).startsWith("ops@").endsWith("~manual");
    assertThat(keys("/etcron/triggers/ops/")).hasSize(1);
    assertThat(operator.post("/api/v1/jobs/ops/kill").status()).isEqualTo(202);
    assertThat(keys("/etcron/kill/ops")).hasSize(1);
    assertThat(operator.post("/api/v1/jobs/nope/trigger").status()).isEqualTo(404);
  }

  @Test
  void two_masters_see_each_others_changes() throws Exception {
    HttpTestClient other = new HttpTestClient("http://127.0.0.1:" + second.port(), ADMIN);
    admin.put("/api/v1/jobs/shared", job("@daily", "true"));
    assertThat(other.get("/api/v1/jobs/shared").status()).isEqualTo(200);
    other.put("/api/v1/jobs/shared", job("@hourly", "true"));
    assertThat(admin.get("/api/v1/jobs/shared").json().at("/spec/schedule").asText())
        .isEqualTo("@hourly");
  }

  @Test
  void a_malformed_user_or_group_is_a_422_naming_the_field() throws Exception {
    var r =
        admin.put(
            "/api/v1/jobs/as",
            "{\"schedule\":\"@daily\",\"command\":\"id\",\"user\":\"Bad User\","
                + "\"group\":\"-wheel\"}");
    assertThat(r.status()).isEqualTo(422);
    List<String> fields = new ArrayList<>();
    r.json().get("fields").forEach(f -> fields.add(f.get("field").asText()));
    assertThat(fields).containsExactlyInAnyOrder("user", "group");
    assertThat(r.body()).contains("user: \\\"Bad User\\\" is not a user or group name");
    var ok =
        admin.put(
            "/api/v1/jobs/as",
            "{\"schedule\":\"@daily\",\"command\":\"id\",\"user\":\"nobody\","
                + "\"group\":\"65534\"}");
    assertThat(ok.status()).as(ok.body()).isIn(200, 201);
    var stored = admin.get("/api/v1/jobs/as").json().get("spec");
    assertThat(stored.get("user").asText()).isEqualTo("nobody");
    assertThat(stored.get("group").asText()).isEqualTo("65534");
    assertThat(
            admin
                .put("/api/v1/jobs/as", "{\"schedule\":\"@daily\",\"command\":\"id\",\"user\":7}")
                .status())
        .isEqualTo(400);
  }

  @Test
  void limits_are_stored_and_checked() throws Exception {
    var ok =
        admin.put(
            "/api/v1/jobs/limited",
            "{\"schedule\":\"@daily\",\"command\":\"true\","
                + "\"limits\":{\"cpuSeconds\":60,\"openFiles\":1024,\"memory\":\"512m\"}}");
    assertThat(ok.status()).as(ok.body()).isIn(200, 201);
    var limits = admin.get("/api/v1/jobs/limited").json().at("/spec/limits");
    assertThat(limits.toString())
        .isEqualTo("{\"cpuSeconds\":60,\"openFiles\":1024,\"memory\":\"512MiB\"}");
    var bad =
        admin.put(
            "/api/v1/jobs/limited",
            "{\"schedule\":\"@daily\",\"command\":\"true\",\"limits\":{\"openFiles\":0}}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().at("/fields/0/field").asText()).isEqualTo("limits");
    assertThat(
            admin
                .put(
                    "/api/v1/jobs/limited",
                    "{\"schedule\":\"@daily\",\"command\":\"true\",\"limits\":{\"nproc\":1}}")
                .status())
        .isEqualTo(400);
  }

  @Test
  void every_invalid_field_comes_back_with_its_message() throws Exception {
    var r =
        admin.put(
            "/api/v1/jobs/bad",
            "{\"schedule\":\"0 61 * * * *\",\"command\":\"\",\"timeZone\":\"Nowhere/X\",\"retries\":99}");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().get("error").asText()).isEqualTo("invalid_job");
    List<String> fields = new ArrayList<>();
    r.json().get("fields").forEach(f -> fields.add(f.get("field").asText()));
    assertThat(fields).containsExactlyInAnyOrder("schedule", "command", "timeZone", "retries");
    assertThat(r.body()).contains("schedule: \\\"0 61 * * * *\\\" minute 61 is out of range 0-59");
    assertThat(admin.put("/api/v1/jobs/a..b", job("@daily", "x")).json().get("field").asText())
        .isEqualTo("name");
    assertThat(
            admin
                .put("/api/v1/jobs/x", "{\"name\":\"y\",\"schedule\":\"@daily\",\"command\":\"x\"}")
                .status())
        .isEqualTo(400);
  }

  @Test
  void malformed_unknown_wrongly_typed_and_oversized_bodies_are_400s() throws Exception {
    var malformed = admin.put("/api/v1/jobs/j", "{\"schedule\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("error").asText()).isEqualTo("malformed_json");
    var unknown =
        admin.put(
            "/api/v1/jobs/j",
            "{\"schedule\":\"@daily\",\"command\":\"x\",\"cronExpr\":\"* * * * *\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("field").asText()).isEqualTo("cronExpr");
    var wrongType =
        admin.put(
            "/api/v1/jobs/j", "{\"schedule\":\"@daily\",\"command\":\"x\",\"retries\":\"three\"}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.json().get("field").asText()).isEqualTo("retries");
    var huge =
        admin.put(
            "/api/v1/jobs/j",
            "{\"schedule\":\"@daily\",\"command\":\"" + "x".repeat(400_000) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.json().get("error").asText()).isEqualTo("body_too_large");
    assertThat(admin.put("/api/v1/jobs/j", "").status()).isEqualTo(400);
    var nowhere = admin.get("/api/v1/nowhere");
    assertThat(nowhere.status()).isEqualTo(404);
    assertThat(nowhere.json().get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void each_role_may_do_what_its_role_allows() throws Exception {
    admin.put("/api/v1/jobs/roles", job("@daily", "true"));
    HttpTestClient anonymous = admin.as(null);
    HttpTestClient viewer = admin.as(VIEWER);
    HttpTestClient operator = admin.as(OPERATOR);
    assertThat(anonymous.get("/api/v1/jobs").status()).isEqualTo(401);
    assertThat(admin.as("wrong-token-0123456789").get("/api/v1/jobs").status()).isEqualTo(401);
    assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
    assertThat(viewer.get("/api/v1/jobs").status()).isEqualTo(200);
    assertThat(viewer.post("/api/v1/jobs/roles/pause").status()).isEqualTo(403);
    assertThat(viewer.post("/api/v1/jobs/roles/trigger").status()).isEqualTo(403);
    assertThat(viewer.put("/api/v1/jobs/roles", job("@daily", "x")).status()).isEqualTo(403);
    assertThat(operator.post("/api/v1/jobs/roles/pause").status()).isEqualTo(200);
    assertThat(operator.put("/api/v1/jobs/roles", job("@daily", "x")).status()).isEqualTo(403);
    assertThat(operator.delete("/api/v1/jobs/roles", Map.of()).status()).isEqualTo(403);
    var forbidden = viewer.post("/api/v1/jobs/roles/kill");
    assertThat(forbidden.json().get("message").asText()).contains("viewer").contains("operator");
    assertThat(admin.delete("/api/v1/jobs/roles", Map.of()).status()).isEqualTo(204);
    assertThat(viewer.get("/api/v1/me").json().get("role").asText()).isEqualTo("viewer");
  }

  @Test
  void the_preview_follows_dst_in_two_zones() throws Exception {
    var ny =
        admin.get(
            "/api/v1/schedule/preview?schedule="
                + enc("0 30 2 * * *")
                + "&timeZone=America/New_York&n=3");
    assertThat(ny.status()).isEqualTo(200);
    assertThat(ny.json().get("local")).hasSize(3);
    var berlin =
        admin.get(
            "/api/v1/schedule/preview?schedule=" + enc("@hourly") + "&timeZone=Europe/Berlin&n=30");
    List<Long> gaps = new ArrayList<>();
    JsonNode fires = berlin.json().get("fires");
    for (int i = 1; i < fires.size(); i++) {
      gaps.add(
          java.time.Duration.between(
                  java.time.Instant.parse(fires.get(i - 1).asText()),
                  java.time.Instant.parse(fires.get(i).asText()))
              .toMinutes());
    }
    assertThat(gaps).allMatch(g -> g == 60);
    var bad = admin.get("/api/v1/schedule/preview?schedule=" + enc("0 61 * * * *"));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().get("field").asText()).isEqualTo("schedule");
    assertThat(bad.json().get("message").asText()).contains("minute 61 is out of range 0-59");
  }

  @Test
  void random_names_schedules_and_bodies_never_cause_a_server_error() throws Exception {
    Random random = new Random(7);
    String[] atoms = {
      "",
      "a",
      "..",
      "/",
      "%2F",
      "%00",
      "x".repeat(300),
      "\u00e9",
      "@every 1s",
      "* * * * * *",
      "{",
      "}",
      "\"",
      "null",
      "[]",
      "{}",
      "1",
      "-1",
      "true",
      "\\",
      "%",
      "?",
      "#",
      "0 61 * * * *",
      "@at 2020-01-01T00:00:00Z",
      "UTC",
      "forbid",
      "\u2028"
    };
    String[] fields = {
      "name",
      "schedule",
      "command",
      "timeZone",
      "retries",
      "env",
      "tags",
      "timeout",
      "paused",
      "bogus",
      "maxCatchUp"
    };
    for (int i = 0; i < 1500; i++) {
      String name = enc(pick(random, atoms) + pick(random, atoms));
      StringBuilder body = new StringBuilder("{");
      int n = random.nextInt(4);
      for (int f = 0; f < n; f++) {
        body.append(f == 0 ? "" : ",").append('"').append(pick(random, fields)).append("\":");
        body.append(
            random.nextBoolean()
                ? Json.MAPPER_QUOTE(pick(random, atoms))
                : pick(random, atoms).isEmpty() ? "0" : "[" + random.nextInt(5) + "]");
      }
      if (random.nextInt(10) > 0) {
        body.append('}');
      }
      HttpTestClient.Response r =
          switch (random.nextInt(4)) {
            case 0 -> admin.put("/api/v1/jobs/" + name, body.toString());
            case 1 -> admin.get("/api/v1/jobs/" + name);
            case 2 ->
                admin.get(
                    "/api/v1/schedule/preview?schedule="
                        + enc(pick(random, atoms))
                        + "&timeZone="
                        + enc(pick(random, atoms)));
            default ->
                admin.get(
                    "/api/v1/runs?job="
                        + name
                        + "&state="
                        + enc(pick(random, atoms))
                        + "&since="
                        + enc(pick(random, atoms)));
          };
      assertThat(r.status()).as("request %d: %s", i, body).isLessThan(500);
      if (r.status() >= 400) {
        assertThat(r.json()).as("JSON error for %s", body).isNotNull();
      }
    }
  }

  @Test
  void the_openapi_document_matches_the_routes() throws Exception {
    JsonNode doc = admin.get("/api/v1/openapi.json").json();
    List<Route> routes = master.http().routes();
    assertThat(doc.get("paths").size())
        .isEqualTo(routes.stream().map(Route::path).distinct().count());
    for (Route r : routes) {
      String method = r.method().lower();
      assertThat(doc.at("/paths/" + r.path().replace("/", "~1") + "/" + method))
          .as(r.path())
          .isNotNull();
      assertThat(doc.at("/paths/" + r.path().replace("/", "~1") + "/" + method).isMissingNode())
          .as(r.path())
          .isFalse();
      if (!r.responses().containsValue("text/event-stream")) {
        String concrete =
            r.path().replace("{name}", "openapi-probe").replace("{id}", "openapi-probe@1");
        var response =
            admin.send(
                r.method().name(),
                concrete,
                r.method().name().equals("PUT") ? "{}" : null,
                Map.of());
        assertThat(response.status()).as(r.method() + " " + concrete).isNotIn(405, 500);
        if (response.status() == 404) {
          assertThat(response.json().get("error").asText()).as(concrete).isEqualTo("not_found");
          assertThat(response.json().get("message").asText())
              .as(concrete)
              .doesNotContain("no such endpoint");
        }
      }
    }
  }

  private static List<String> keys(String prefix) throws Exception {
    var p = Keys.bytes(prefix);
    return etcd
        .client()
        .getKVClient()
        .get(p, io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())
        .get(5, TimeUnit.SECONDS)
        .getKvs()
        .stream()
        .map(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
        .toList();
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String pick(Random r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  /** JSON string quoting for the random bodies. */
  static final class Json {
    static String MAPPER_QUOTE(String s) {
      try {
        return io.etcron.json.Json.MAPPER.writeValueAsString(s);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
