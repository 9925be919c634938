package io.etcron.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.etcron.etcd.EtcdCluster;
import io.etcron.run.InMemoryRunStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * etcd refusing a master's request (here: its user's role may not write {@code /etcron/audit/})
 * answered 500 "unexpected error"; it is etcd's refusal, named as such, with the status of an
 * unavailable backend.
 */
class EtcdRefusalIT {
  private EtcdCluster etcd;
  private Client client;
  private Master master;

  @BeforeEach
  void start() throws Exception {
    etcd = EtcdCluster.builder().fastElections().start();
    try (Client admin = Client.builder().endpoints(etcd.endpoints()).build()) {
      Auth auth = admin.getAuthClient();
      auth.roleAdd(bytes("root")).get(10, TimeUnit.SECONDS);
      auth.userAdd(bytes("root"), bytes("root-password")).get(10, TimeUnit.SECONDS);
      auth.userGrantRole(bytes("root"), bytes("root")).get(10, TimeUnit.SECONDS);
      auth.roleAdd(bytes("etcron")).get(10, TimeUnit.SECONDS);
      // Everything under /etcron/ but audit/.
      grant(auth, "/etcron/", "/etcron/audit/");
      grant(auth, "/etcron/audit0", "/etcron0");
      auth.userAdd(bytes("etcron"), bytes("pw")).get(10, TimeUnit.SECONDS);
      auth.userGrantRole(bytes("etcron"), bytes("etcron")).get(10, TimeUnit.SECONDS);
      auth.authEnable().get(10, TimeUnit.SECONDS);
    }
    client =
        Client.builder()
            .endpoints(etcd.endpoints())
            .user(bytes("etcron"))
            .password(bytes("pw"))
            .build();
    master = Master.start(MasterSettings.local(0), client, new InMemoryRunStore(), () -> "");
  }

  @AfterEach
  void stop() {
    master.close();
    client.close();
    etcd.close();
  }

  @Test
  void a_request_etcd_refuses_is_named_as_etcds_refusal_not_an_internal_error() throws Exception {
    HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + master.port(), null);
    var put =
        http.put(
            "/api/v1/jobs/refused", "{\"schedule\":\"@every 1h\",\"command\":\"true\"}", Map.of());
    assertThat(put.status()).as(put.body()).isEqualTo(503);
    assertThat(put.json().get("error").asText()).isEqualTo("etcd_refused");
    assertThat(put.json().get("message").asText())
        .contains("etcd refused")
        .contains("PERMISSION_DENIED");
    assertThat(http.get("/api/v1/jobs/refused").status()).isEqualTo(404); // nothing written
  }

  private static void grant(Auth auth, String from, String to) throws Exception {
    auth.roleGrantPermission(bytes("etcron"), bytes(from), bytes(to), Permission.Type.READWRITE)
        .get(10, TimeUnit.SECONDS);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
