package io.etcron.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.testing.Timing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog as a process: what it passes through, and when it kills. */
class WatchdogIT {

  private static ProcessTree start(Optional<Duration> lease, String script) {
    return ProcessTree.start(
        List.of("/bin/sh", "-c", script),
        Map.of(),
        Optional.empty(),
        lease,
        b -> b.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD));
  }

  @Test
  void the_commands_exit_code_comes_through() throws Exception {
    ProcessTree tree = start(Optional.of(Duration.ofSeconds(30)), "exit 7");
    assertThat(tree.waitFor()).isEqualTo(7);
  }

  @Test
  void an_unfed_deadline_kills_the_whole_group(@TempDir Path dir) throws Exception {
    Path pid = dir.resolve("grandchild");
    long start = System.nanoTime();
    ProcessTree tree =
        start(Optional.of(Duration.ofMillis(500)), "sleep 60 & echo $! > " + pid + "; wait");
    assertThat(tree.waitFor()).isEqualTo(128 + 9);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    long grandchild = Long.parseLong(Files.readString(pid).trim());
    await()
        .atMost(Timing.seconds(5))
        .until(() -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
  }

  /**
   * Audit M3: a descendant that left the command's process group (a daemon's double fork with
   * setsid) escaped every kill and ran on, re-parented to init, after its run was recorded killed.
   */
  @Test
  void a_kill_reaches_a_descendant_that_left_the_process_group(@TempDir Path dir) throws Exception {
    Path pid = dir.resolve("daemon");
    ProcessTree tree = start(Optional.empty(), escapingDaemon(pid) + "; sleep 60");
    long daemon = awaitPid(pid);
    tree.kill(Duration.ZERO);
    assertThat(tree.waitFor()).isEqualTo(128 + 9);
    awaitGone(daemon);
  }

  @Test
  void an_unfed_deadline_reaches_a_descendant_that_left_the_process_group(@TempDir Path dir)
      throws Exception {
    Path pid = dir.resolve("daemon");
    ProcessTree tree =
        start(
            Optional.of(Duration.ofSeconds(2)),
            escapingDaemon(pid) + "; while [ ! -s " + pid + " ]; do sleep 0.05; done; sleep 60");
    long daemon = awaitPid(pid);
    assertThat(tree.waitFor()).isEqualTo(128 + 9);
    awaitGone(daemon);
  }

  @Test
  void what_a_command_leaves_running_when_it_ends_by_itself_is_left_alone(@TempDir Path dir)
      throws Exception {
    Path pid = dir.resolve("daemon");
    ProcessTree tree =
        start(
            Optional.empty(),
            escapingDaemon(pid) + "; while [ ! -s " + pid + " ]; do sleep 0.05; done; exit 0");
    assertThat(tree.waitFor()).isZero();
    long daemon = awaitPid(pid);
    try {
      assertThat(ProcessHandle.of(daemon).map(ProcessHandle::isAlive)).contains(true);
    } finally {
      ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** A shell line that starts {@code sleep 60} in a session of its own, orphaned at once. */
  private static String escapingDaemon(Path pid) {
    return "(setsid sh -c 'echo $$ > "
        + pid
        + ".tmp; mv "
        + pid
        + ".tmp "
        + pid
        + "; exec sleep 60' </dev/null >/dev/null 2>&1 &)";
  }

  private static long awaitPid(Path file) throws IOException {
    await().atMost(Timing.seconds(10)).until(() -> Files.exists(file));
    return Long.parseLong(Files.readString(file).trim());
  }

  private static void awaitGone(long pid) {
    await()
        .atMost(Timing.seconds(5))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void feeding_keeps_the_command_alive_past_its_first_deadline() throws Exception {
    ProcessTree tree = start(Optional.of(Duration.ofMillis(400)), "sleep 1.5; exit 3");
    while (!tree.waitFor(Duration.ofMillis(100))) {
      tree.feed(Duration.ofMillis(400));
    }
    assertThat(tree.process().exitValue()).isEqualTo(3);
  }

  @Test
  void the_jvm_going_away_kills_the_command(@TempDir Path dir) throws Exception {
    // The watchdog's control channel closing is what it sees when this JVM dies.
    Path beats = dir.resolve("beats");
    ProcessTree tree =
        start(
            Optional.empty(), "trap '' TERM; while :; do echo x >> " + beats + "; sleep 0.1; done");
    await().atMost(Timing.seconds(5)).until(() -> Files.exists(beats));
    tree.process().getOutputStream().close();
    assertThat(tree.process().waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(tree.process().exitValue()).isEqualTo(128 + 9);
  }

  @Test
  void a_kill_with_grace_sends_term_first(@TempDir Path dir) throws Exception {
    Path ready = dir.resolve("ready");
    ProcessTree tree =
        start(
            Optional.empty(),
            "trap 'exit 42' TERM; touch " + ready + "; while :; do sleep 0.1; done");
    await().atMost(Timing.seconds(5)).until(() -> Files.exists(ready));
    tree.kill(Duration.ofSeconds(5));
    assertThat(tree.waitFor()).isEqualTo(42);
  }

  @Test
  void an_exit_note_keeps_an_end_the_command_reached_by_itself_only(@TempDir Path dir)
      throws Exception {
    Path own = dir.resolve("own.exit");
    ProcessTree exits =
        ProcessTree.start(
            List.of("/bin/sh", "-c", "exit 5"),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(own),
            Confinement.NONE,
            b -> b.redirectOutput(ProcessBuilder.Redirect.DISCARD));
    assertThat(exits.waitFor()).isEqualTo(5);
    assertThat(Files.readString(own).trim()).isEqualTo("5");

    Path killed = dir.resolve("killed.exit");
    Path ready = dir.resolve("ready");
    ProcessTree sleeper =
        ProcessTree.start(
            List.of("/bin/sh", "-c", "touch " + ready + "; sleep 60"),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(killed),
            Confinement.NONE,
            b -> b.redirectOutput(ProcessBuilder.Redirect.DISCARD));
    await().atMost(Timing.seconds(5)).until(() -> Files.exists(ready));
    sleeper.kill(Duration.ZERO);
    assertThat(sleeper.waitFor()).isEqualTo(128 + 9);
    assertThat(killed).doesNotExist();
  }

  /**
   * Chaos: a worker frozen between choosing a run's deadline and its watchdog's start (the JVM
   * stopped inside the process spawn) gave the watchdog a relative budget, which it counted from
   * its late start: the command began 13 s after its lease had ended. The deadline is absolute now.
   */
  @Test
  void a_watchdog_that_starts_after_its_deadline_never_starts_the_command(@TempDir Path dir)
      throws Exception {
    Path marker = dir.resolve("started");
    List<String> line =
        Watchdog.command(
            Optional.empty(),
            Optional.empty(),
            Optional.of(Duration.ofMillis(300)),
            Confinement.NONE,
            List.of("/bin/sh", "-c", "touch " + marker));
    long deadline = Watchdog.uptimeMillis() + 300;
    // The "freeze": the deadline passes before the watchdog process is started.
    await()
        .atMost(Timing.seconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> Watchdog.uptimeMillis() > deadline + 20);
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(128 + 9);
    assertThat(out).contains("not started");
    assertThat(marker).doesNotExist();
  }
}
