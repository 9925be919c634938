package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.etcron.etcd.EtcdCluster;
import io.etcron.etcd.LoopbackPorts;
import io.etcron.testing.PostgresServer;
import io.etcron.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master and a worker against an etcd that wants TLS with client certificates and has auth on,
 * with a user whose role may read and write only {@code /etcron/}. The CA, the server and the
 * client certificates are made by openssl at run time. Misconfigurations fail at start with a
 * message saying what to fix, exit 2, no stack trace.
 */
class EtcdTlsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String PASSWORD = "s3cret-etcron";

  @TempDir static Path dir;
  private static EtcdCluster etcd;
  private static String tlsEndpoint;

  @BeforeAll
  static void start_a_tls_etcd_with_auth() throws Exception {
    makeCertificates();
    int client = LoopbackPorts.freeWithNext();
    int tls = LoopbackPorts.free();
    tlsEndpoint = "https://127.0.0.1:" + tls;
    etcd =
        EtcdCluster.builder()
            .ports(client, client + 1)
            .fastElections()
            // etcron talks to the https listener only; the harness's health probe and the auth
            // setup below use the plain one.
            .arg("--listen-client-urls=http://127.0.0.1:" + client + "," + tlsEndpoint)
            .arg("--advertise-client-urls=" + tlsEndpoint)
            .arg("--cert-file=" + dir.resolve("server.pem"))
            .arg("--key-file=" + dir.resolve("server.key"))
            .arg("--trusted-ca-file=" + dir.resolve("ca.pem"))
            .arg("--client-cert-auth")
            .start();
    try (Client admin = Client.builder().endpoints("http://127.0.0.1:" + client).build()) {
      Auth auth = admin.getAuthClient();
      auth.roleAdd(bytes("root")).get(10, TimeUnit.SECONDS);
      user(auth, "root", "root-password", "root");
      role(auth, "etcron", "/etcron/");
      user(auth, "etcron", PASSWORD, "etcron");
      role(auth, "other", "/other/");
      user(auth, "stranger", PASSWORD, "other");
      auth.authEnable().get(10, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void a_master_and_a_worker_run_a_job_through_tls_client_certificates_and_a_prefix_role()
      throws Exception {
    String db = PostgresServer.shared().newDatabase("tls");
    int port = LoopbackPorts.free();
    Map<String, String> env = Map.of("ETCRON_ETCD_PASSWORD", PASSWORD);
    List<String> master = withEtcd("client", "etcron", "master", "--port", "" + port, "--db", db);
    List<String> worker = withEtcd("client", "etcron", "worker", "--db", db);
    try (CliProcess m = CliProcess.start(env, master.toArray(String[]::new));
        CliProcess w = CliProcess.start(env, worker.toArray(String[]::new))) {
      Map<String, String> cli = Map.of("ETCRON_SERVER", "http://127.0.0.1:" + port);
      Path job = dir.resolve("tls-job.yaml");
      Files.writeString(
          job, "name: over-tls\nschedule: \"@every 1s\"\ncommand: echo \"$ETCRON_RUN_ID\"\n");
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  !m.process().isAlive()
                      || CliProcess.run(TIMEOUT, cli, "job", "apply", "-f", job.toString()).exit()
                          == 0);
      assertThat(m.process().isAlive()).as(m.output()).isTrue();
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  !w.process().isAlive()
                      || CliProcess.run(
                              TIMEOUT, cli, "runs", "--job", "over-tls", "--state", "succeeded")
                          .output()
                          .contains("over-tls@"));
      assertThat(w.process().isAlive()).as(w.output()).isTrue();
      assertThat(CliProcess.run(TIMEOUT, cli, "workers").output()).contains("CAPACITY");
      w.process().destroy();
      m.process().destroy();
      w.waitFor(TIMEOUT);
      m.waitFor(TIMEOUT);
    }
  }

  @Test
  void a_wrong_ca_is_named() throws Exception {
    assertRefused(
        workerWith("--etcd-ca", "other-ca.pem"),
        PASSWORD,
        "is not signed by the CA in --etcd-ca",
        "other-ca.pem");
  }

  @Test
  void a_missing_client_certificate_is_asked_for() throws Exception {
    List<String> args = withEtcd("client", "etcron", "master", "--port", "0");
    int cert = args.indexOf("--etcd-cert");
    args.subList(cert, cert + 4).clear(); // --etcd-cert FILE --etcd-key FILE
    assertRefused(args, PASSWORD, "etcd asks for a client certificate: give --etcd-cert");
  }

  @Test
  void a_client_certificate_from_another_ca_is_refused() throws Exception {
    assertRefused(
        withEtcd("stray", "etcron", "worker"), PASSWORD, "etcd refused the client certificate");
  }

  @Test
  void a_certificate_file_that_does_not_exist_is_named() throws Exception {
    assertRefused(workerWith("--etcd-cert", "nope.pem"), PASSWORD, "cannot read", "nope.pem");
  }

  @Test
  void a_wrong_password_is_named() throws Exception {
    assertRefused(
        withEtcd("client", "etcron", "worker"),
        "wrong",
        "authentication failed for user etcron: wrong user or password");
  }

  @Test
  void a_user_whose_role_covers_another_prefix_is_told_to_grant_etcron_s() throws Exception {
    assertRefused(
        withEtcd("client", "stranger", "master", "--port", "0"),
        PASSWORD,
        "user stranger may not read /etcron/: grant its role readwrite on the prefix /etcron/");
  }

  private static void assertRefused(List<String> args, String password, String... message)
      throws Exception {
    CliProcess.Result r =
        CliProcess.run(
            TIMEOUT, Map.of("ETCRON_ETCD_PASSWORD", password), args.toArray(String[]::new));
    assertThat(r.exit()).as(r.output()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.output()).contains(message).doesNotContain("\tat ", "Exception:");
  }

  /** A worker with the good settings but {@code file} for {@code option}. */
  private static List<String> workerWith(String option, String file) {
    List<String> args = withEtcd("client", "etcron", "worker");
    args.set(args.indexOf(option) + 1, dir.resolve(file).toString());
    return args;
  }

  /** {@code command ARGS} with the TLS endpoint, the CA, client certificate {@code cert}, user. */
  private static List<String> withEtcd(String cert, String user, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(
        List.of(
            "--data",
            dir.resolve("data-" + command[0]).toString(),
            "--etcd",
            tlsEndpoint,
            "--etcd-ca",
            dir.resolve("ca.pem").toString(),
            "--etcd-cert",
            dir.resolve(cert + ".pem").toString(),
            "--etcd-key",
            dir.resolve(cert + ".key").toString(),
            "--etcd-user",
            user));
    return args;
  }

  /** ca, server (for 127.0.0.1), client (signed by ca), other-ca, stray (signed by other-ca). */
  private static void makeCertificates() throws Exception {
    TestCertificates.make(dir).client("client", "ca").client("stray", "other-ca");
  }

  private static void user(Auth auth, String name, String password, String role) throws Exception {
    auth.userAdd(bytes(name), bytes(password)).get(10, TimeUnit.SECONDS);
    auth.userGrantRole(bytes(name), bytes(role)).get(10, TimeUnit.SECONDS);
  }

  private static void role(Auth auth, String name, String prefix) throws Exception {
    auth.roleAdd(bytes(name)).get(10, TimeUnit.SECONDS);
    // The range [prefix, prefix with its last byte + 1) is exactly the keys under prefix.
    String end =
        prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
    auth.roleGrantPermission(bytes(name), bytes(prefix), bytes(end), Permission.Type.READWRITE)
        .get(10, TimeUnit.SECONDS);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
