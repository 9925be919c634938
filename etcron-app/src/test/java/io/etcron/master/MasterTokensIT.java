package io.etcron.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.json.Json;
import io.etcron.master.auth.Tokens;
import io.etcron.run.InMemoryRunStore;
import io.etcron.testing.EtcdExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens as an operator manages them: hashed in a private file, rotated by rewriting the file while
 * the master runs, and guessing bounded per client address, against real etcd.
 */
class MasterTokensIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir Path dir;

  static final String ALICE = "alice-secret-0123456789";
  static final String BOB = "bob-secret-0123456789abc";
  static final Duration SOON = Duration.ofSeconds(10);

  private Path privateFile(String contents) throws Exception {
    Path f = dir.resolve("tokens");
    write(f, contents);
    return f;
  }

  /** Replaces the file as an editor or a secret mount does: a new file moved over the old. */
  private static void write(Path f, String contents) throws Exception {
    Path next = f.resolveSibling(f.getFileName() + ".new");
    Files.writeString(next, contents);
    Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
    Files.move(next, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static Master start(TokensFile tokens) {
    return Master.start(
        MasterSettings.local(0).withTokens(tokens),
        etcd.newClient(),
        new InMemoryRunStore(),
        () -> "");
  }

  private static int me(Master m, String token) throws Exception {
    return new HttpTestClient("http://127.0.0.1:" + m.port(), token).get("/api/v1/me").status();
  }

  @Test
  void a_hashed_token_signs_in_and_a_wrong_one_is_401() throws Exception {
    try (TokensFile file =
            TokensFile.open(
                privateFile("# ops\nalice:admin:" + Tokens.hashed(ALICE) + "\n\n"), Tokens.none());
        Master m = start(file)) {
      var client = new HttpTestClient("http://127.0.0.1:" + m.port(), ALICE);
      var me = client.get("/api/v1/me");
      assertThat(me.status()).as(me.body()).isEqualTo(200);
      assertThat(me.json().get("name").asText()).isEqualTo("alice");
      var wrong = client.as(BOB).get("/api/v1/me");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.json().get("error").asText()).isEqualTo("unauthorized");
      assertThat(client.as(Tokens.hashed(ALICE)).get("/api/v1/me").status())
          .as("the hash itself is no token")
          .isEqualTo(401);
    }
  }

  @Test
  void rewriting_the_file_rotates_tokens_without_a_restart() throws Exception {
    Path f = privateFile("alice:admin:" + Tokens.hashed(ALICE) + "\n");
    try (TokensFile file = TokensFile.open(f, Tokens.none());
        Master m = start(file)) {
      assertThat(me(m, ALICE)).isEqualTo(200);
      assertThat(me(m, BOB)).isEqualTo(401);
      write(f, "bob:viewer:" + BOB + "\n");
      // Waits on the file, not on sign-ins: each refused one counts toward the address's limit.
      await().atMost(SOON).until(() -> file.current().lookup(BOB).isPresent());
      assertThat(me(m, BOB)).isEqualTo(200);
      assertThat(me(m, ALICE)).as("alice's token was rotated out").isEqualTo(401);
    }
  }

  @Test
  void a_file_that_becomes_invalid_keeps_the_last_good_tokens() throws Exception {
    Path f = privateFile("alice:admin:" + ALICE + "\n");
    try (TokensFile file = TokensFile.open(f, Tokens.none());
        Master m = start(file)) {
      write(f, "alice:superuser:" + ALICE + "\n");
      await().atMost(SOON).until(() -> file.problem().isPresent());
      assertThat(file.problem().get()).contains("line 1", "viewer, operator, admin");
      assertThat(me(m, ALICE)).isEqualTo(200);

      write(f, "# nobody\n");
      await().atMost(SOON).until(() -> file.problem().orElse("").contains("holds no tokens"));
      assertThat(me(m, ALICE)).isEqualTo(200);

      write(f, "bob:admin:" + BOB + "\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
      await().atMost(SOON).until(() -> file.problem().orElse("").contains("chmod 600"));
      assertThat(me(m, ALICE)).isEqualTo(200);
      assertThat(me(m, BOB)).as("not read while others may read it").isEqualTo(401);

      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
      await().atMost(SOON).until(() -> file.current().lookup(BOB).isPresent());
      assertThat(me(m, BOB)).isEqualTo(200);
      assertThat(file.problem()).isEmpty();
    }
  }

  @Test
  void a_group_or_world_readable_file_is_refused_at_start() throws Exception {
    Path f = privateFile("alice:admin:" + ALICE + "\n");
    for (String mode : List.of("rw-r-----", "rw----r--", "rw--w----")) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
      assertThatThrownBy(() -> TokensFile.open(f, Tokens.none()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "the tokens file "
                  + f
                  + " may be read or written by other users ("
                  + mode
                  + "): make it private with chmod 600 "
                  + f);
    }
    assertThatThrownBy(() -> TokensFile.open(dir.resolve("none"), Tokens.none()))
        .hasMessageContaining("no such file");
  }

  @Test
  void guessing_from_one_address_is_refused_with_429_and_audited_once() throws Exception {
    try (TokensFile file =
            TokensFile.open(privateFile("alice:admin:" + ALICE + "\n"), Tokens.none());
        Master m = start(file)) {
      var guesser = new HttpTestClient("http://127.0.0.1:" + m.port(), null);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        statuses.add(guesser.as("guess-" + i + "-0123456789abcdef").get("/api/v1/me").status());
      }
      assertThat(statuses).containsOnly(401);
      var refused = guesser.as("guess-10-0123456789abcdef").get("/api/v1/me");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.json().get("error").asText()).isEqualTo("too_many_sign_ins");
      assertThat(refused.json().get("message").asText()).contains("127.0.0.1");
      assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
      assertThat(guesser.as(ALICE).get("/api/v1/me").status())
          .as("while refused, even a right token from that address is not looked at")
          .isEqualTo(429);
      assertThat(guesser.get("/api/v1/me").status()).as("no token: no guess").isEqualTo(401);
      for (int i = 0; i < 20; i++) {
        guesser.as("more-" + i + "-0123456789abcdef").get("/api/v1/me");
      }

      // Another address (127.0.0.2 is loopback too) signs in as usual.
      JsonNode audit = Json.MAPPER.readTree(getFrom("127.0.0.2", m.port(), "/api/v1/audit", ALICE));
      List<JsonNode> signIns = new ArrayList<>();
      audit
          .get("entries")
          .forEach(
              e -> {
                if (e.get("action").asText().equals("sign-in-refused")) {
                  signIns.add(e);
                }
              });
      assertThat(signIns).as("one entry for the refusal, not one per try").hasSize(1);
      assertThat(signIns.get(0).get("actor").asText()).isEqualTo("127.0.0.1");
      assertThat(signIns.get(0).get("job").asText()).isEmpty();
      assertThat(signIns.get(0).get("detail").asText()).contains("10 unknown tokens within 60 s");
    }
  }

  /** The body of a GET sent from {@code source} (HTTP/1.0: no chunks), asserting a 200. */
  private static String getFrom(String source, int port, String path, String token)
      throws Exception {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.0\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nAuthorization: Bearer "
                  + token
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).as(response).startsWith("HTTP/1.1 200");
      return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }
}
