package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.etcd.LoopbackPorts;
import io.etcron.json.Json;
import io.etcron.testing.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code etcron standalone} started as a user does, and driven with the CLI end to end. */
class StandaloneIT {

  @Test
  void the_cli_drives_a_standalone_end_to_end_and_a_restart_keeps_jobs_and_runs(@TempDir Path data)
      throws Exception {
    int port = LoopbackPorts.free();
    String[] standalone = standalone(data, port);
    Map<String, String> env = Map.of("ETCRON_SERVER", "http://127.0.0.1:" + port);
    Path jobFile = data.resolve("jobs.yaml");
    Files.writeString(
        jobFile,
        """
        name: tick
        schedule: "@every 1s"
        command: echo "tick $ETCRON_RUN_ID"
        ---
        name: slow
        schedule: "@every 1h"
        command: for i in 1 2 3 4; do echo "line $i"; sleep 1; done
        ---
        name: greet
        schedule: "@every 1h"
        command: echo "$GREETING"
        env:
          GREETING: from the job
        """);
    String tickRun;
    String greeted;
    try (CliProcess server = CliProcess.start(Map.of(), standalone)) {
      server.awaitOutput(Timing.seconds(60), "etcron is running");

      CliProcess.Result applied = cli(env, "job", "apply", "-f", jobFile.toString());
      assertThat(applied.output()).contains("job tick created").contains("job slow created");
      assertThat(cli(env, "job", "apply", "-f", jobFile.toString()).output())
          .contains("job tick unchanged");

      JsonNode list = Json.MAPPER.readTree(cli(env, "job", "list", "-o", "json").output());
      assertThat(list.get("jobs")).hasSize(3);
      assertThat(cli(env, "job", "get", "tick").output())
          .contains("@every 1s")
          .contains("next fire:");

      await()
          .atMost(Timing.seconds(30))
          .until(
              () ->
                  cli(env, "runs", "--job", "tick", "--state", "succeeded")
                      .output()
                      .contains("tick@"));
      JsonNode runs =
          Json.MAPPER.readTree(cli(env, "runs", "--job", "tick", "-o", "json").output());
      tickRun = runs.get("runs").get(0).get("id").asText();
      await()
          .atMost(Timing.seconds(10))
          .until(() -> cli(env, "runs", "show", tickRun).output().contains("tick " + tickRun));

      String triggered =
          cli(env, "job", "trigger", "slow").output().replaceAll("(?s).*run (\\S+).*", "$1").trim();
      assertThat(triggered).startsWith("slow@").endsWith("~manual");
      CliProcess.Result tail =
          CliProcess.run(Duration.ofSeconds(60), env, "runs", "tail", triggered);
      assertThat(tail.output()).contains("line 1").contains("line 4").contains("succeeded");

      greeted =
          cli(env, "job", "trigger", "greet", "--env", "GREETING=hi")
              .output()
              .replaceAll("(?s).*run (\\S+).*", "$1")
              .trim();
      assertThat(greeted).startsWith("greet@").endsWith("~manual");
      await()
          .atMost(Timing.seconds(30))
          .until(() -> cli(env, "runs", "show", greeted).output().contains("SUCCEEDED"));
      // The parameter went over the job's own env, and the run shows it.
      assertThat(cli(env, "runs", "show", greeted).output())
          .contains("params:\n  GREETING=hi\n")
          .endsWith("--- output (last 64 KiB) ---\nhi\n");
      JsonNode greetRun =
          Json.MAPPER.readTree(cli(env, "runs", "show", greeted, "-o", "json").output());
      assertThat(greetRun.get("params")).isEqualTo(Json.MAPPER.readTree("{\"GREETING\":\"hi\"}"));
      assertThat(greetRun.get("output").asText()).isEqualTo("hi\n");
      CliProcess.Result malformed = cli(env, "job", "trigger", "greet", "--env", "GREETING");
      assertThat(malformed.exit()).isEqualTo(ExitCodes.USAGE);
      assertThat(malformed.output()).contains("--env \"GREETING\" is not K=V");
      CliProcess.Result reserved = cli(env, "job", "trigger", "greet", "--env", "ETCRON_JOB=x");
      assertThat(reserved.exit()).isEqualTo(ExitCodes.REFUSED);
      assertThat(reserved.output()).contains("env.ETCRON_JOB: ETCRON_JOB is reserved");

      assertThat(cli(env, "job", "pause", "tick").output()).contains("paused");
      assertThat(cli(env, "job", "resume", "tick").output()).contains("resumed");
      assertThat(cli(env, "workers").output()).contains("CAPACITY");
      assertThat(cli(env, "job", "delete", "slow").output()).contains("deleted");
      CliProcess.Result missing = cli(env, "job", "get", "slow");
      assertThat(missing.exit()).isEqualTo(ExitCodes.REFUSED);
      assertThat(missing.output()).contains("job slow does not exist");

      server.process().destroy(); // SIGTERM: drains and stops etcd
      assertThat(server.waitFor(Duration.ofSeconds(60))).isNotEqualTo(-1);
    }
    try (CliProcess again = CliProcess.start(Map.of(), standalone)) {
      again.awaitOutput(Timing.seconds(60), "etcron is running");
      JsonNode jobs = Json.MAPPER.readTree(cli(env, "job", "list", "-o", "json").output());
      assertThat(jobs.get("jobs"))
          .extracting(j -> j.at("/spec/name").asText())
          .containsExactly("greet", "tick");
      assertThat(cli(env, "runs", "show", greeted).output()).contains("  GREETING=hi");
      assertThat(cli(env, "runs", "show", tickRun).output()).contains("SUCCEEDED");
      again.process().destroy();
      again.waitFor(Duration.ofSeconds(60));
    }
  }

  @Test
  void a_signal_to_its_whole_process_group_stops_a_standalone_in_order_within_seconds(
      @TempDir Path data) throws Exception {
    int port = LoopbackPorts.free();
    String[] standalone = standalone(data, port);
    try (CliProcess server = CliProcess.startInOwnGroup(Map.of(), standalone)) {
      server.awaitOutput(Timing.seconds(60), "etcron is running");
      long etcd = etcdPid(data);
      int before = server.output().length();

      // Ctrl-C in a terminal signals the whole foreground group (SIGINT); a supervisor stopping a
      // group sends SIGTERM. SIGTERM here: a shell that starts the suite in the background makes
      // its children ignore SIGINT.
      long t0 = System.nanoTime();
      server.signalGroup("TERM");
      int exit = server.waitFor(Timing.seconds(30));
      Duration stop = Duration.ofNanos(System.nanoTime() - t0);
      String said = server.output().substring(before);

      assertThat(exit).as("exit code; it printed:%n%s", said).isNotEqualTo(-1);
      // With its etcd stopped by the same signal, the worker and master waited on etcd's timeouts
      // and warned of every list they could not make: 17 s on this machine.
      assertThat(stop).as("time to stop; it printed:%n%s", said).isLessThan(Timing.seconds(8));
      assertThat(said).doesNotContain("failed, retrying").doesNotContain("session lost");
      assertThat(ProcessHandle.of(etcd).map(ProcessHandle::isAlive).orElse(false))
          .as("its etcd is stopped too")
          .isFalse();
    }
  }

  @Test
  void a_standalone_starts_its_etcd_again_when_it_dies(@TempDir Path data) throws Exception {
    int port = LoopbackPorts.free();
    Map<String, String> env = Map.of("ETCRON_SERVER", "http://127.0.0.1:" + port);
    String[] standalone = standalone(data, port);
    try (CliProcess server = CliProcess.start(Map.of(), standalone)) {
      server.awaitOutput(Timing.seconds(60), "etcron is running");
      long first = etcdPid(data);

      ProcessHandle.of(first).orElseThrow().destroyForcibly(); // as the OOM killer would

      // Before, etcron retried its requests for ever without a word of its etcd being gone.
      server.awaitOutput(Timing.seconds(30), "exited with code 137 without being asked to");
      server.awaitOutput(Timing.seconds(30), "etcd n1 started again");
      assertThat(etcdPid(data)).isNotEqualTo(first);
      await()
          .atMost(Timing.seconds(30))
          .until(() -> cli(env, "job", "list").exit() == ExitCodes.OK);
      server.process().destroy();
      assertThat(server.waitFor(Timing.seconds(30))).isNotEqualTo(-1);
    }
  }

  @Test
  void a_client_without_a_master_says_so_with_exit_69() throws Exception {
    CliProcess.Result r =
        cli(Map.of("ETCRON_SERVER", "http://127.0.0.1:" + LoopbackPorts.free()), "job", "list");
    assertThat(r.exit()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.output()).contains("cannot reach the master").doesNotContain("Exception");
  }

  /** A standalone on {@code data}, its master on {@code port}, its etcd on two free ports. */
  private static String[] standalone(Path data, int port) {
    return new String[] {
      "standalone",
      "--data",
      data.toString(),
      "--port",
      "" + port,
      "--etcd-port",
      "" + LoopbackPorts.freeWithNext()
    };
  }

  /** The pid of the standalone's etcd, from its pid file. */
  private static long etcdPid(Path data) throws Exception {
    return Long.parseLong(Files.readString(data.resolve("etcd").resolve("n1.pid")).trim());
  }

  private static CliProcess.Result cli(Map<String, String> env, String... args) throws Exception {
    return CliProcess.run(Duration.ofSeconds(30), env, args);
  }
}
