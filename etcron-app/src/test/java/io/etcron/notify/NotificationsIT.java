package io.etcron.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.job.JobName;
import io.etcron.job.JobSpecs;
import io.etcron.job.JobStore;
import io.etcron.json.Json;
import io.etcron.master.Master;
import io.etcron.master.MasterSettings;
import io.etcron.run.Run;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import io.etcron.worker.Worker;
import io.etcron.worker.record.RunRecorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Webhooks of run outcomes through the outbox: a real worker, master, etcd and receiver. */
class NotificationsIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir Path dir;

  static final byte[] SECRET = "a-test-secret-of-32-bytes-012345".getBytes(StandardCharsets.UTF_8);
  static final DeliveryRetry FAST =
      new DeliveryRetry(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofHours(1));

  private SqlRunStore store;
  private Master master;
  private Worker worker;

  @BeforeEach
  void start() throws Exception {
    store = RunStores.open(RunStores.h2Url(dir));
    master =
        Master.start(
            MasterSettings.local(0),
            etcd.client(),
            store,
            () -> "",
            NotifySettings.DEFAULT
                .withWebhookSecret(Optional.of(new NotifySettings.Secret(SECRET)))
                .withRetry(FAST)
                .withPollEvery(Duration.ofMillis(50)));
    worker =
        Worker.builder(etcd.newClient(), new RunRecorder(store, 200, Duration.ofMillis(50), 5000))
            .id("w1")
            .ttl(Duration.ofSeconds(3))
            .start();
  }

  @AfterEach
  void stop() {
    worker.close();
    master.close();
    store.close();
  }

  private Run onlyRun(String job, RunState state) {
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                store.query(RunQuery.all().forJob(job).limit(10)).runs().stream()
                    .anyMatch(r -> r.state() == state));
    return store.query(RunQuery.all().forJob(job).limit(10)).runs().get(0);
  }

  private JsonNode api(String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(master.url() + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  /** The answer at {@code path} is valid by the schema the served OpenAPI document gives it. */
  private void assertMatchesTheDocument(String path) throws Exception {
    var validator =
        com.atlassian.oai.validator.OpenApiInteractionValidator.createForInlineApiSpecification(
                Json.write(api("/api/v1/openapi.json")))
            .build();
    var report =
        validator.validateResponse(
            path,
            com.atlassian.oai.validator.model.Request.Method.GET,
            com.atlassian.oai.validator.model.SimpleResponse.Builder.status(200)
                .withContentType("application/json")
                .withBody(Json.write(api(path)))
                .build());
    assertThat(report.getMessages()).as(path).isEmpty();
  }

  @Test
  void a_failed_run_is_posted_until_accepted_signed_and_once_accepted() throws Exception {
    try (Receiver receiver = new Receiver(n -> n <= 3 ? 500 : 200)) {
      master
          .jobs()
          .put(
              io.etcron.job.Job.from(
                  JobSpecs.of("fails", "@every 1h", "exit 3")
                      .webhook(receiver.url(), "failed", "recovered")
                      .build(),
                  Instant.now()),
              JobStore.ANY_VERSION,
              "test");
      master.jobs().trigger(JobName.of("fails"), "test");
      Run run = onlyRun("fails", RunState.FAILED);

      await().atMost(Timing.seconds(20)).until(() -> receiver.accepted().size() == 1);
      String path = "/api/v1/runs/" + run.id() + "/notifications";
      await()
          .atMost(Timing.seconds(10))
          .until(
              () -> api(path).get("notifications").get(0).get("status").asText(),
              "delivered"::equals);

      assertThat(receiver.requests).hasSize(4);
      for (Receiver.Request r : receiver.requests) {
        assertThat(r.idempotencyKey()).isEqualTo(run.id() + ":failed");
        assertThat(r.event()).isEqualTo("failed");
        assertThat(r.signature()).isEqualTo(Signature.of(SECRET, r.body()));
      }
      JsonNode body = Json.MAPPER.readTree(receiver.accepted().get(0).body());
      assertThat(body.get("event").asText()).isEqualTo("failed");
      assertThat(body.get("run").get("id").asText()).isEqualTo(run.id().toString());
      assertThat(body.get("run").get("exitCode").asInt()).isEqualTo(3);
      assertThat(body.get("job").get("name").asText()).isEqualTo("fails");
      assertThat(body.get("job").has("command")).as("no command, it may carry secrets").isFalse();
      assertThat(body.get("link").asText())
          .isEqualTo(master.url() + "#/runs/" + run.id().toString().replace("@", "%40"));

      assertMatchesTheDocument(path);
      assertMatchesTheDocument("/api/v1/jobs/fails");
      JsonNode delivery = api(path).get("notifications");
      assertThat(delivery).hasSize(1);
      assertThat(delivery.get(0).get("event").asText()).isEqualTo("failed");
      assertThat(delivery.get(0).get("target").asText()).isEqualTo("webhook:" + receiver.url());
      assertThat(delivery.get(0).get("attempts").asInt()).isEqualTo(4);
      assertThat(delivery.get(0).has("lastError")).isFalse();
      assertThat(delivery.get(0).has("nextAttemptAt")).isFalse();
    }
  }

  @Test
  void a_delivery_that_never_succeeds_is_marked_failed_with_its_last_error() throws Exception {
    master.close();
    master =
        Master.start(
            MasterSettings.local(0),
            etcd.newClient(),
            store,
            () -> "",
            NotifySettings.DEFAULT
                .withRetry(
                    new DeliveryRetry(
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(3)))
                .withPollEvery(Duration.ofMillis(50)));
    try (Receiver receiver = new Receiver(n -> 503)) {
      master
          .jobs()
          .put(
              io.etcron.job.Job.from(
                  JobSpecs.of("down", "@every 1h", "exit 1")
                      .webhook(receiver.url(), "failed")
                      .build(),
                  Instant.now()),
              JobStore.ANY_VERSION,
              "test");
      master.jobs().trigger(JobName.of("down"), "test");
      Run run = onlyRun("down", RunState.FAILED);
      String path = "/api/v1/runs/" + run.id() + "/notifications";
      await()
          .atMost(Timing.seconds(20))
          .until(
              () -> api(path).get("notifications").get(0).get("status").asText(), "failed"::equals);
      JsonNode d = api(path).get("notifications").get(0);
      assertThat(d.get("lastError").asText()).startsWith("HTTP 503 from " + receiver.url());
      assertThat(d.get("attempts").asInt()).isGreaterThan(1).isEqualTo(receiver.requests.size());
      assertThat(receiver.requests.get(0).signature()).as("no secret, no signature").isNull();
    }
  }

  @Test
  void a_succeeded_run_after_a_failed_one_is_recovered_and_a_plain_success_notifies_nothing()
      throws Exception {
    try (Receiver receiver = new Receiver(n -> 204)) {
      Path flag = dir.resolve("fail");
      java.nio.file.Files.writeString(flag, "x");
      master
          .jobs()
          .put(
              io.etcron.job.Job.from(
                  JobSpecs.of("flaky", "@every 1h", "test ! -e " + flag)
                      .webhook(receiver.url(), "recovered")
                      .build(),
                  Instant.now()),
              JobStore.ANY_VERSION,
              "test");
      master.jobs().trigger(JobName.of("flaky"), "test");
      Run failed = onlyRun("flaky", RunState.FAILED);
      java.nio.file.Files.delete(flag);
      master.jobs().trigger(JobName.of("flaky"), "test");
      await()
          .atMost(Timing.seconds(20))
          .until(
              () ->
                  store.query(RunQuery.all().forJob("flaky").limit(10)).runs().stream()
                          .filter(r -> r.state() == RunState.SUCCEEDED)
                          .count()
                      == 1);
      master.jobs().trigger(JobName.of("flaky"), "test");
      await()
          .atMost(Timing.seconds(20))
          .until(
              () ->
                  store.query(RunQuery.all().forJob("flaky").limit(10)).runs().stream()
                          .filter(r -> r.state() == RunState.SUCCEEDED)
                          .count()
                      == 2);
      List<Run> ok =
          store.query(RunQuery.all().forJob("flaky").limit(10)).runs().stream()
              .filter(r -> r.state() == RunState.SUCCEEDED)
              .sorted((a, b) -> a.fireTime().compareTo(b.fireTime()))
              .toList();
      await().atMost(Timing.seconds(10)).until(() -> receiver.requests.size() >= 1);
      // The second success is noted too: once its end is handled, nothing more is due.
      await()
          .atMost(Timing.seconds(10))
          .until(() -> store.outbox().orElseThrow().pendingEnds(10).isEmpty());
      assertThat(receiver.requests).hasSize(1);
      assertThat(receiver.requests.get(0).idempotencyKey())
          .isEqualTo(ok.get(0).id() + ":recovered");
      assertThat(api("/api/v1/runs/" + failed.id() + "/notifications").get("notifications"))
          .isEmpty();
    }
  }

  @Test
  void a_run_still_running_past_its_sla_is_late_once() throws Exception {
    try (Receiver receiver = new Receiver(n -> 200)) {
      master
          .jobs()
          .put(
              io.etcron.job.Job.from(
                  JobSpecs.of("sluggish", "@every 1h", "sleep 4")
                      .sla("1s")
                      .webhook(receiver.url(), "late")
                      .build(),
                  Instant.now()),
              JobStore.ANY_VERSION,
              "test");
      master.jobs().trigger(JobName.of("sluggish"), "test");
      await().atMost(Timing.seconds(20)).until(() -> receiver.accepted().size() == 1);
      Run run = store.query(RunQuery.all().forJob("sluggish").limit(1)).runs().get(0);
      assertThat(run.state()).as("late while it runs").isEqualTo(RunState.RUNNING);
      assertThat(receiver.accepted().get(0).idempotencyKey()).isEqualTo(run.id() + ":late");
      assertThat(receiver.accepted().get(0).event()).isEqualTo("late");
      onlyRun("sluggish", RunState.SUCCEEDED);
      await()
          .atMost(Timing.seconds(10))
          .until(() -> store.outbox().orElseThrow().pendingEnds(10).isEmpty());
      assertThat(receiver.requests).as("late once, and its success is no event").hasSize(1);
    }
  }

  @Test
  void a_killed_run_notifies_killed_and_only_the_targets_that_want_it() throws Exception {
    try (Receiver wants = new Receiver(n -> 200);
        Receiver other = new Receiver(n -> 200)) {
      master
          .jobs()
          .put(
              io.etcron.job.Job.from(
                  JobSpecs.of("stopped", "@every 1h", "sleep 30")
                      .notify(
                          List.of(
                              new io.etcron.job.JobSpec.NotifySpec(
                                  List.of("killed"), wants.url(), null),
                              new io.etcron.job.JobSpec.NotifySpec(
                                  List.of("failed", "lost"), other.url() + "?x", null)))
                      .build(),
                  Instant.now()),
              JobStore.ANY_VERSION,
              "test");
      master.jobs().trigger(JobName.of("stopped"), "test");
      Run running = onlyRun("stopped", RunState.RUNNING);
      master.jobs().kill(JobName.of("stopped"), "test");
      onlyRun("stopped", RunState.KILLED);
      await().atMost(Timing.seconds(20)).until(() -> wants.accepted().size() == 1);
      assertThat(wants.accepted().get(0).idempotencyKey()).isEqualTo(running.id() + ":killed");
      await()
          .atMost(Timing.seconds(10))
          .until(() -> store.outbox().orElseThrow().pendingEnds(10).isEmpty());
      assertThat(other.requests).isEmpty();
    }
  }
}
