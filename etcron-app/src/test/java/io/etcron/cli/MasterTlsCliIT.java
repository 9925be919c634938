package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.etcd.LoopbackPorts;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.TestCertificates;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code etcron master --tls-cert --tls-key --tokens-file} started as an operator does, and the CLI
 * talking to it over HTTPS with {@code --ca}; the mistakes an operator makes answered in one line
 * with exit 2, no stack trace.
 */
class MasterTlsCliIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String SECRET = "cli-secret-0123456789abcdef";

  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir static Path dir;
  static TestCertificates certs;
  static CliProcess master;
  static String server;

  @BeforeAll
  static void start_an_https_master() throws Exception {
    certs = TestCertificates.make(dir);
    Path tokens = tokensFile("alice:admin:" + hash(SECRET), "rw-------");
    int port = LoopbackPorts.free();
    server = "https://127.0.0.1:" + port;
    master =
        CliProcess.start(
            Map.of(),
            masterArgs(
                    "--port",
                    "" + port,
                    "--tokens-file",
                    tokens.toString(),
                    "--tls-cert",
                    certs.file("server.pem").toString(),
                    "--tls-key",
                    certs.file("server.key").toString())
                .toArray(String[]::new));
    master.awaitOutput(TIMEOUT, "master listening");
    assertThat(master.process().isAlive()).as(master.output()).isTrue();
    assertThat(master.output()).contains("master listening on " + server + "/", "HTTP/2");
  }

  @AfterAll
  static void stop() throws Exception {
    if (master != null) {
      master.close();
    }
  }

  private static List<String> masterArgs(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "master", "--etcd", etcd.endpoints(), "--data", dir.resolve("data").toString()));
    args.addAll(List.of(more));
    return args;
  }

  private static Path tokensFile(String line, String mode) throws Exception {
    Path f = Files.createTempFile(dir, "tokens", "");
    Files.writeString(f, line + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  /** {@code etcron token hash}, reading the secret from stdin as a user pipes it. */
  private static String hash(String secret) throws Exception {
    return tokenHash(secret).output().trim();
  }

  private static CliProcess.Result tokenHash(String stdin, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("token", "hash"));
    args.addAll(List.of(more));
    try (CliProcess p = CliProcess.start(Map.of(), args.toArray(String[]::new))) {
      try (OutputStream in = p.process().getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      int exit = p.waitFor(TIMEOUT);
      return new CliProcess.Result(exit, p.output());
    }
  }

  private static CliProcess.Result cli(String... args) throws Exception {
    return CliProcess.run(TIMEOUT, Map.of("ETCRON_TOKEN", SECRET), args);
  }

  @Test
  void token_hash_prints_the_line_for_the_tokens_file() throws Exception {
    CliProcess.Result r = tokenHash(SECRET + "\n", "--name", "ops", "--role", "Operator");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().trim()).matches("ops:operator:sha256:[0-9a-f]{64}");
    CliProcess.Result empty = tokenHash("");
    assertThat(empty.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(empty.output()).contains("no secret on stdin").doesNotContain("\tat ");
    CliProcess.Result shortOne = tokenHash("short\n");
    assertThat(shortOne.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(shortOne.output()).contains("at least 16 characters");
  }

  @Test
  void the_cli_works_over_https_with_the_ca_it_is_given() throws Exception {
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, "name: over-https\nschedule: \"@every 1h\"\ncommand: \"true\"\n");
    CliProcess.Result applied =
        cli("job", "apply", "-f", job.toString(), "--server", server, "--ca", ca());
    assertThat(applied.exit()).as(applied.output()).isZero();
    assertThat(applied.output()).contains("job over-https created");
    CliProcess.Result viaEnv =
        CliProcess.run(
            TIMEOUT,
            Map.of("ETCRON_TOKEN", SECRET, "ETCRON_SERVER", server, "ETCRON_CA", ca()),
            "job",
            "list");
    assertThat(viaEnv.exit()).as(viaEnv.output()).isZero();
    assertThat(viaEnv.output()).contains("over-https");
  }

  @Test
  void without_the_ca_the_cli_names_the_server_and_asks_for_ca() throws Exception {
    CliProcess.Result r = cli("job", "list", "--server", server);
    assertThat(r.exit()).as(r.output()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.output().trim())
        .isEqualTo(
            "etcron: the master at "
                + server
                + " presents a certificate not signed by a CA this machine trusts: give --ca FILE"
                + " (or ETCRON_CA) with the PEM certificate of the CA that signed it");
    CliProcess.Result other =
        cli("job", "list", "--server", server, "--ca", certs.file("other-ca.pem").toString());
    assertThat(other.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(other.output()).contains("not signed by the CA in --ca", "other-ca.pem");
    CliProcess.Result missing =
        cli("job", "list", "--server", server, "--ca", dir.resolve("nope.pem").toString());
    assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.output()).contains("nope.pem: no such file").doesNotContain("\tat ");
  }

  @Test
  void http_to_the_https_port_says_use_https() throws Exception {
    String plain = server.replace("https:", "http:");
    CliProcess.Result r = cli("job", "list", "--server", plain);
    assertThat(r.exit()).as(r.output()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.output().trim())
        .isEqualTo(
            "etcron: the master at "
                + plain
                + " does not answer plain HTTP: if it serves HTTPS, use https://");
  }

  @Test
  void missing_unreadable_and_mismatched_certificates_fail_at_start_with_exit_2() throws Exception {
    String cert = certs.file("server.pem").toString();
    String key = certs.file("server.key").toString();
    assertRefused(
        masterArgs(
            "--port", "0", "--tls-cert", dir.resolve("nope.pem").toString(), "--tls-key", key),
        "etcron: cannot read the TLS certificate " + dir.resolve("nope.pem") + ": no such file");
    assertRefused(
        masterArgs("--port", "0", "--tls-cert", cert),
        "etcron: --tls-cert needs --tls-key, the certificate's private key");
    assertRefused(
        masterArgs(
            "--port",
            "0",
            "--tls-cert",
            cert,
            "--tls-key",
            certs.file("server-rsa.key").toString()),
        "does not belong to the certificate");
    assertRefused(
        masterArgs("--port", "0", "--tls-cert", key, "--tls-key", key), "holds no PEM certificate");
    Path unreadable = Files.copy(certs.file("server.key"), dir.resolve("unreadable.key"));
    Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
    if (!Files.isReadable(unreadable)) { // root reads everything
      assertRefused(
          masterArgs("--port", "0", "--tls-cert", cert, "--tls-key", unreadable.toString()),
          "permission denied");
    }
    List<String> standalone =
        List.of("standalone", "--data", dir.resolve("sa").toString(), "--tls-key", key);
    assertRefused(standalone, "--tls-key needs --tls-cert");
  }

  @Test
  void a_standalone_serves_https_and_says_so() throws Exception {
    int port = LoopbackPorts.free();
    int etcdPort = LoopbackPorts.freeWithNext();
    String[] args = {
      "standalone",
      "--data",
      dir.resolve("standalone").toString(),
      "--port",
      "" + port,
      "--etcd-port",
      "" + etcdPort,
      "--tls-cert",
      certs.file("server-ec.pem").toString(),
      "--tls-key",
      certs.file("server-ec.key").toString()
    };
    try (CliProcess standalone = CliProcess.start(Map.of(), args)) {
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  !standalone.process().isAlive()
                      || standalone.output().contains("etcron is running"));
      assertThat(standalone.output())
          .as(standalone.output())
          .contains("etcron is running: https://127.0.0.1:" + port + "/");
      CliProcess.Result workers =
          CliProcess.run(
              TIMEOUT, Map.of(), "workers", "--server", "https://127.0.0.1:" + port, "--ca", ca());
      assertThat(workers.exit()).as(workers.output()).isZero();
      assertThat(workers.output()).contains("CAPACITY");
      standalone.process().destroy();
      standalone.waitFor(TIMEOUT);
    }
  }

  @Test
  void a_tokens_file_others_may_read_is_refused_at_start() throws Exception {
    Path f = tokensFile("alice:admin:" + SECRET, "rw-r--r--");
    assertRefused(
        masterArgs("--port", "0", "--tokens-file", f.toString()),
        "etcron: the tokens file "
            + f
            + " may be read or written by other users (rw-r--r--): make it private with chmod 600 "
            + f);
  }

  private static void assertRefused(List<String> args, String message) throws Exception {
    CliProcess.Result r = CliProcess.run(TIMEOUT, Map.of(), args.toArray(String[]::new));
    assertThat(r.exit()).as(r.output()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.output()).contains(message).doesNotContain("\tat ", "Exception");
  }

  private static String ca() {
    return certs.file("ca.pem").toString();
  }
}
