package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.etcron.etcd.LoopbackPorts;
import io.etcron.testing.Timing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb that {@code mvn package} built, installed with apt-get as an operator does, checked file
 * by file, then {@code /usr/bin/etcron standalone} run from it; purged afterwards. Needs root and
 * apt-get (CI has both); skips otherwise, and when an etcron package is already installed.
 */
class InstalledPackageIT {
  private static final Duration APT = Duration.ofMinutes(3);
  private static final Map<String, String> NONINTERACTIVE =
      Map.of("DEBIAN_FRONTEND", "noninteractive");

  @Test
  void the_deb_installs_the_command_config_units_and_user_and_runs_a_standalone(@TempDir Path data)
      throws Exception {
    assumeThat(System.getProperty("user.name"))
        .as("installing a .deb needs root (CI runs as root); skipped")
        .isEqualTo("root");
    assumeThat(OsCommand.installed("apt-get") && OsCommand.installed("dpkg-query"))
        .as("apt-get and dpkg-query are needed; skipped")
        .isTrue();
    assumeThat(OsCommand.run(APT, "dpkg-query", "-W", "etcron").exit())
        .as("an etcron package is already installed on this machine; left alone, skipped")
        .isNotZero();
    Path deb = builtDeb();

    OsCommand.Result install =
        OsCommand.run(
            APT,
            NONINTERACTIVE,
            "apt-get",
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            deb.toAbsolutePath().toString());
    try {
      assertThat(install.exit()).as(install.output()).isZero();
      checkFiles();
      runStandalone(data);
    } finally {
      OsCommand.Result purge =
          OsCommand.run(APT, NONINTERACTIVE, "apt-get", "purge", "-y", "-q", "etcron");
      assertThat(purge.exit()).as(purge.output()).isZero();
    }
    assertThat(Path.of("/usr/bin/etcron")).doesNotExist();
    assertThat(Path.of("/etc/etcron/etcron.yaml")).doesNotExist();
  }

  private static Path builtDeb() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> debs =
          files.filter(f -> f.getFileName().toString().matches("etcron_.+_all\\.deb")).toList();
      assertThat(debs).as("mvn package builds target/etcron_<version>_all.deb").hasSize(1);
      return debs.get(0);
    }
  }

  private static void checkFiles() throws Exception {
    assertThat(Path.of("/usr/bin/etcron")).isExecutable();
    assertThat(Path.of("/usr/share/etcron/etcron.jar")).isRegularFile();
    assertThat(Path.of("/etc/etcron/etcron.yaml")).isRegularFile();
    assertThat(OsCommand.run(APT, "dpkg-query", "-W", "-f=${Conffiles}", "etcron").output())
        .contains("/etc/etcron/etcron.yaml");
    assertThat(OsCommand.run(APT, "getent", "passwd", "etcron").exit())
        .as("postinst creates the system user etcron")
        .isZero();
    List<String> units = new ArrayList<>();
    for (String name : List.of("etcron-master.service", "etcron-worker.service")) {
      Path unit = Path.of("/lib/systemd/system", name);
      assertThat(Files.readString(unit))
          .contains("User=etcron", "Restart=on-failure", "KillMode=mixed", "ExecStart=/usr/bin/");
      units.add(unit.toString());
    }
    if (OsCommand.installed("systemd-analyze")) {
      List<String> verify = new ArrayList<>(List.of("systemd-analyze", "verify"));
      verify.addAll(units);
      OsCommand.Result verified = OsCommand.run(APT, verify.toArray(String[]::new));
      assertThat(verified.exit()).as(verified.output()).isZero();
    }

    OsCommand.Result version = OsCommand.run(APT, "/usr/bin/etcron", "--version");
    assertThat(version.exit()).isZero();
    assertThat(version.output().trim()).isEqualTo(new Main.Version().getVersion()[0]);
    assertThat(version.output()).containsPattern("\\(commit [0-9a-f]{7,}");

    // The shipped example is valid: an unknown key would fail every command with exit 2.
    OsCommand.Result help =
        OsCommand.run(
            APT,
            Map.of("ETCRON_CONFIG", "/etc/etcron/etcron.yaml"),
            "/usr/bin/etcron",
            "worker",
            "--help");
    assertThat(help.exit()).as(help.output()).isZero();
  }

  private static void runStandalone(Path data) throws Exception {
    int port = LoopbackPorts.free();
    int etcdPort = LoopbackPorts.freeWithNext();
    Path out = data.resolve("standalone.out");
    Process p =
        new ProcessBuilder(
                "/usr/bin/etcron",
                "standalone",
                "--data",
                data.resolve("data").toString(),
                "--port",
                "" + port,
                "--etcd-port",
                "" + etcdPort)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      await()
          .atMost(Timing.seconds(90))
          .until(() -> !p.isAlive() || Files.readString(out).contains("etcron is running"));
      assertThat(p.isAlive()).as(Files.readString(out)).isTrue();
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      p.destroy(); // SIGTERM: the standalone drains and stops its etcd
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(out)).isTrue();
    } finally {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }
}
