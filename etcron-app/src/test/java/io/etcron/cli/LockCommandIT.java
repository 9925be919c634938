package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.testing.EtcdExtension;
import io.etcron.testing.TcpProxy;
import io.etcron.testing.Timing;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code etcron lock} as a user runs it: separate processes, real etcd, real commands. */
class LockCommandIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  private Map<String, String> env() {
    return Map.of("ETCRON_ETCD", etcd.endpoints());
  }

  @Test
  void a_second_process_is_told_who_holds_the_lock_and_exits_75(@TempDir Path dir)
      throws Exception {
    Path started = dir.resolve("started");
    try (CliProcess first =
        CliProcess.start(
            env(), "lock", "backup", "--", "sh", "-c", "touch " + started + "; sleep 30")) {
      first.awaitUntil(Timing.seconds(20), () -> Files.exists(started), "the command started");

      CliProcess.Result second =
          CliProcess.run(Duration.ofSeconds(20), env(), "lock", "backup", "--", "echo", "never");

      assertThat(second.exit()).isEqualTo(ExitCodes.LOCK_TAKEN);
      assertThat(second.output())
          .contains("lock backup is held by")
          .contains("since")
          .doesNotContain("never");
    }
  }

  @Test
  void the_command_exit_code_and_fencing_token_come_through() throws Exception {
    CliProcess.Result r =
        CliProcess.run(
            Duration.ofSeconds(20),
            env(),
            "lock",
            "job",
            "--",
            "sh",
            "-c",
            "echo token=$ETCRON_FENCING_TOKEN; exit 7");

    assertThat(r.exit()).isEqualTo(7);
    assertThat(r.output()).containsPattern("token=\\d+");
  }

  @Test
  void waiting_gets_the_lock_when_the_holder_finishes(@TempDir Path dir) throws Exception {
    Path started = dir.resolve("started");
    try (CliProcess first =
        CliProcess.start(env(), "lock", "w", "--", "sh", "-c", "touch " + started + "; sleep 2")) {
      first.awaitUntil(Timing.seconds(20), () -> Files.exists(started), "the command started");
      CliProcess.Result second =
          CliProcess.run(
              Duration.ofSeconds(30),
              env(),
              "lock",
              "w",
              "--wait",
              "20s",
              "--",
              "echo",
              "second ran");
      assertThat(first.waitFor(Duration.ofSeconds(5))).isZero();
      assertThat(second.exit()).isZero();
      assertThat(second.output()).contains("second ran");
    }
  }

  @Test
  void a_lost_lock_kills_the_command_and_its_children_and_exits_76(@TempDir Path dir)
      throws Exception {
    Path pidFile = dir.resolve("grandchild.pid");
    String script = "sleep 300 & echo $! > " + pidFile + "; wait";
    try (CliProcess holder =
        CliProcess.start(env(), "lock", "lose", "--ttl", "3s", "--", "sh", "-c", script)) {
      await()
          .atMost(Timing.seconds(20))
          .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
      long grandchild = Long.parseLong(Files.readString(pidFile).trim());
      assertThat(ProcessHandle.of(grandchild)).isPresent();

      etcd.member(0).pause();
      try {
        int exit = holder.waitFor(Duration.ofSeconds(15));
        assertThat(exit).isEqualTo(ExitCodes.LOCK_LOST);
        assertThat(holder.output()).contains("was lost");
        await()
            .atMost(Timing.seconds(5))
            .until(() -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
      } finally {
        etcd.member(0).resume();
      }
    }
  }

  @Test
  void bad_input_is_a_one_line_error_with_exit_2() throws Exception {
    for (String name : new String[] {"a/b", "..", "x".repeat(200), "bad\tname", ""}) {
      CliProcess.Result r =
          CliProcess.run(Duration.ofSeconds(20), env(), "lock", name, "--", "true");
      assertThat(r.exit()).as(name).isEqualTo(ExitCodes.USAGE);
      assertThat(r.output())
          .as(name)
          .startsWith("etcron: ")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
    }
    CliProcess.Result ttl =
        CliProcess.run(Duration.ofSeconds(20), env(), "lock", "ok", "--ttl", "1s", "--", "true");
    assertThat(ttl.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(ttl.output()).contains("etcd's minimum");
    CliProcess.Result huge =
        CliProcess.run(Duration.ofSeconds(20), env(), "lock", "ok", "--ttl", "1000d", "--", "true");
    assertThat(huge.exit()).isEqualTo(ExitCodes.USAGE);
    CliProcess.Result notDuration =
        CliProcess.run(Duration.ofSeconds(20), env(), "lock", "ok", "--ttl", "soon", "--", "true");
    assertThat(notDuration.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(notDuration.output()).contains("not a duration");
  }

  @Test
  void an_unreachable_etcd_is_a_clear_error_within_the_timeout() throws Exception {
    long start = System.nanoTime();
    CliProcess.Result r =
        CliProcess.run(
            Duration.ofSeconds(30),
            Map.of(),
            "lock",
            "ok",
            "--etcd",
            "http://127.0.0.1:1",
            "--",
            "true");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertThat(r.exit()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.output())
        .contains("cannot reach etcd at http://127.0.0.1:1")
        .doesNotContain("\tat ");
  }

  @Test
  void a_session_lost_before_the_lock_is_taken_is_replaced_and_the_command_runs(@TempDir Path dir)
      throws Exception {
    // Answers 0.9 s late each way: the lease's grant comes back after its 2 s session's deadline
    // (TTL − 0.5 s margin), as when keep-alives starve while a JVM starts on a loaded machine.
    int port = URI.create(etcd.member(0).clientUrl()).getPort();
    Path ran = dir.resolve("ran");
    try (TcpProxy proxy = TcpProxy.to(port)) {
      proxy.delay(Duration.ofMillis(900));
      try (CliProcess cli =
          CliProcess.lock(proxy.url(), "slow-start", "2s", "touch", ran.toString())) {
        cli.awaitOutput(Timing.seconds(30), "opening another");
        proxy.pass();
        assertThat(cli.waitFor(Timing.seconds(30))).as(cli.output()).isZero();
        assertThat(ran).exists();
        assertThat(cli.output()).contains("the session was lost before lock slow-start was taken");
      }
    }
  }
}
