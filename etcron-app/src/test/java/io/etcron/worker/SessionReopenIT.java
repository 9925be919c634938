package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.etcron.cli.CliProcess;
import io.etcron.etcd.EtcdCluster;
import io.etcron.json.Json;
import io.etcron.testing.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit 15: after a lease loss, a worker whose new registration kept failing opened a new session
 * each second and never closed the ones before: their leases stayed alive for good, each with its
 * keeper. etcd with auth on; the worker's role loses {@code /etcron/workers/} and its lease is
 * revoked, so every new session's grant works and its registration is refused.
 */
class SessionReopenIT {
  private static final String PASSWORD = "s3cret-reopen";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private EtcdCluster etcd;
  private Client root;

  @BeforeEach
  void start() throws Exception {
    etcd = EtcdCluster.builder().fastElections().start();
    root =
        Client.builder()
            .endpoints(etcd.endpoints())
            .user(bytes("root"))
            .password(bytes("root-password"))
            .build();
    try (Client admin = Client.builder().endpoints(etcd.endpoints()).build()) {
      Auth auth = admin.getAuthClient();
      auth.roleAdd(bytes("root")).get(10, TimeUnit.SECONDS);
      auth.userAdd(bytes("root"), bytes("root-password")).get(10, TimeUnit.SECONDS);
      auth.userGrantRole(bytes("root"), bytes("root")).get(10, TimeUnit.SECONDS);
      auth.roleAdd(bytes("etcron")).get(10, TimeUnit.SECONDS);
      grant(auth, "/etcron/", "/etcron0");
      auth.userAdd(bytes("etcron"), bytes(PASSWORD)).get(10, TimeUnit.SECONDS);
      auth.userGrantRole(bytes("etcron"), bytes("etcron")).get(10, TimeUnit.SECONDS);
      auth.authEnable().get(10, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void stop() {
    root.close();
    etcd.close();
  }

  @Test
  void failed_registrations_leave_no_live_lease_behind() throws Exception {
    String db = PostgresServer.shared().newDatabase("reopen");
    try (CliProcess w =
        CliProcess.start(
            Map.of("ETCRON_ETCD_PASSWORD", PASSWORD),
            "worker",
            "--id",
            "w15",
            "--ttl",
            "3s",
            "--etcd",
            etcd.endpoints(),
            "--etcd-user",
            "etcron",
            "--db",
            db,
            "--data",
            dir.toString())) {
      await().atMost(TIMEOUT).until(() -> w.output().contains("worker w15 started"));
      assertThat(leases()).hasSize(1);

      // Everything under /etcron/ but workers/: grants work, registrations are refused.
      Auth auth = root.getAuthClient();
      auth.roleRevokePermission(bytes("etcron"), bytes("/etcron/"), bytes("/etcron0"))
          .get(10, TimeUnit.SECONDS);
      grant(auth, "/etcron/", "/etcron/workers/");
      grant(auth, "/etcron/workers0", "/etcron0");
      for (long lease : leases()) {
        root.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
      }

      await()
          .atMost(TIMEOUT)
          .until(() -> occurrences(w.output(), "could not open a new session yet") >= 3);
      // At most the attempt in progress: every failed one was closed, its lease revoked.
      assertThat(leases()).hasSizeLessThanOrEqualTo(1);

      grant(auth, "/etcron/workers/", "/etcron/workers0");
      await().atMost(TIMEOUT).until(() -> w.output().contains("opened a new session"));
      assertThat(leases()).hasSize(1);
      assertThat(w.process().isAlive()).isTrue();
    }
  }

  /** The live leases, from etcd's JSON gateway (jetcd has no call for LeaseLeases). */
  private List<Long> leases() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = etcd.clientUrls().get(0);
    JsonNode token =
        Json.MAPPER.readTree(
            post(
                http,
                base + "/v3/auth/authenticate",
                null,
                "{\"name\":\"root\",\"password\":\"root-password\"}"));
    JsonNode leases =
        Json.MAPPER.readTree(
            post(http, base + "/v3/lease/leases", token.get("token").asText(), "{}"));
    List<Long> ids = new ArrayList<>();
    leases.path("leases").forEach(l -> ids.add(l.get("ID").asLong()));
    return ids;
  }

  private static String post(HttpClient http, String url, String token, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", token);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return response.body();
  }

  private static void grant(Auth auth, String from, String to) throws Exception {
    auth.roleGrantPermission(bytes("etcron"), bytes(from), bytes(to), Permission.Type.READWRITE)
        .get(10, TimeUnit.SECONDS);
  }

  private static int occurrences(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
