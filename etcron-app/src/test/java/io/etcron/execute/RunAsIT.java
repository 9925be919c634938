package io.etcron.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcron.job.Limits;
import io.etcron.job.RunAs;
import io.etcron.testing.Timing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands run as another account by a root watchdog: the switch of groups, gid and uid, its
 * refusals, and the watchdog's duties kept for such a command. Needs root (CI and the dev container
 * run as root) and the account {@code nobody} (uid 65534, group nogroup 65534).
 */
class RunAsIT {
  private static final RunAs NOBODY = new RunAs("nobody", Optional.empty());
  private ShellExecutor executor;

  @BeforeEach
  void needsRoot() throws Exception {
    assumeTrue(
        "0".equals(run("id", "-u")),
        "switching users needs a root worker; these tests run as uid " + run("id", "-u"));
    assumeTrue("65534".equals(run("id", "-u", "nobody")), "needs the user nobody, uid 65534");
    executor = new ShellExecutor();
  }

  @AfterEach
  void close() {
    if (executor != null) {
      executor.close();
    }
  }

  /** The watchdog's command line running {@code script} as {@code who}, with no deadline. */
  private static List<String> watchdog(RunAs who, String script) {
    return Watchdog.command(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        new Confinement(Optional.of(who), false, Limits.NONE),
        List.of("/bin/sh", "-c", script));
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  private static ExecutionResult execute(ShellExecutor executor, RunAs account, String command)
      throws Exception {
    ExecutionRequest request =
        new ExecutionRequest(command, Map.of(), Optional.empty(), (o, b, n) -> {}).as(account);
    return executor.start(request).done().get(30, TimeUnit.SECONDS);
  }

  @Test
  void a_command_runs_as_the_named_user_and_its_primary_group() throws Exception {
    ExecutionResult r =
        execute(
            executor,
            NOBODY,
            "id -u; id -g; id -G; grep -E '^(Uid|Gid):' /proc/self/status; echo $USER $HOME");
    assertThat(r.exitCode()).as(r.outputTail()).isZero();
    assertThat(r.outputTail().lines().toList())
        .containsExactly(
            "65534",
            "65534",
            "65534",
            "Uid:\t65534\t65534\t65534\t65534",
            "Gid:\t65534\t65534\t65534\t65534",
            "nobody /nonexistent");
  }

  @Test
  void a_named_group_replaces_the_primary_one() throws Exception {
    ExecutionResult r =
        execute(executor, new RunAs("nobody", Optional.of("daemon")), "id -u; id -g");
    assertThat(r.outputTail()).isEqualTo("65534\n1\n");
    ExecutionResult byId = execute(executor, new RunAs("65534", Optional.of("1")), "id -un; id -g");
    assertThat(byId.outputTail()).isEqualTo("nobody\n1\n");
  }

  @Test
  void the_workers_own_groups_are_dropped() throws Exception {
    // A watchdog started with supplementary groups (as a worker in group adm might be).
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
    List<String> line = new ArrayList<>(List.of("setpriv", "--groups=0,4"));
    line.addAll(watchdog(NOBODY, "id -G"));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("65534\n");
  }

  @Test
  void supplementary_groups_of_the_user_are_set_as_initgroups_would() throws Exception {
    // The image's postgres user is a member of ssl-cert: a user with supplementary groups.
    String expected = run("id", "-G", "postgres");
    assumeTrue(
        expected.contains(" "), "needs a user with supplementary groups (postgres): " + expected);
    ExecutionResult r = execute(executor, new RunAs("postgres", Optional.empty()), "id -G");
    assertThat(r.outputTail().trim()).isEqualTo(expected);
  }

  @Test
  void after_the_switch_root_cannot_be_regained() throws Exception {
    ExecutionResult r =
        execute(executor, NOBODY, "perl -MPOSIX -e 'exit(POSIX::setuid(0) ? 3 : 0)'; echo $?");
    assertThat(r.outputTail()).isEqualTo("0\n");
  }

  @Test
  void a_missing_user_or_group_never_starts_the_command(@TempDir Path dir) throws Exception {
    Path marker = dir.resolve("ran");
    ExecutionResult r =
        execute(executor, new RunAs("etcron-no-such-user", Optional.empty()), "touch " + marker);
    String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    assertThat(r.exitCode()).isEqualTo(ExecutionResult.NOT_STARTED);
    assertThat(r.notStarted())
        .contains("not started: user \"etcron-no-such-user\" does not exist on host " + host);
    ExecutionResult g =
        execute(executor, new RunAs("nobody", Optional.of("etcron-no-group")), "touch " + marker);
    assertThat(g.notStarted())
        .contains("not started: group \"etcron-no-group\" does not exist on host " + host);
    ExecutionResult uid = execute(executor, new RunAs("4000000000", Optional.empty()), "true");
    assertThat(uid.notStarted()).get().asString().contains("user \"4000000000\" does not exist");
    assertThat(marker).doesNotExist();
  }

  @Test
  void root_needs_to_be_listed_and_the_list_is_enforced() throws Exception {
    for (String root : List.of("root", "0")) {
      assertThatThrownBy(() -> execute(executor, new RunAs(root, Optional.empty()), "true"))
          .isInstanceOf(RunRefusedException.class)
          .hasMessageContaining("lists root");
    }
    try (ShellExecutor listed = new ShellExecutor(RunAsPolicy.only(Set.of("root", "daemon")))) {
      assertThat(execute(listed, new RunAs("root", Optional.empty()), "id -u").outputTail())
          .isEqualTo("0\n");
      assertThat(execute(listed, new RunAs("daemon", Optional.empty()), "id -u").outputTail())
          .isEqualTo("1\n");
      assertThatThrownBy(() -> execute(listed, NOBODY, "true"))
          .isInstanceOf(RunRefusedException.class)
          .hasMessage("this worker's --run-as-users (daemon,root) does not list \"nobody\"");
    }
  }

  @Test
  void an_alias_of_root_is_refused_by_the_watchdog_too() throws Exception {
    // A second name for uid 0 passes the name check; the watchdog looks at the uid.
    List<String> line = watchdog(new RunAs("0", Optional.empty()), "echo ran");
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(126);
    assertThat(out)
        .isEqualTo(
            "etcron: not started: user \"0\" is root, and this worker's"
                + " --run-as-users does not list root\n");
  }

  @Test
  void a_watchdog_that_is_not_root_refuses_another_user() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
    List<String> line =
        new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    line.addAll(watchdog(new RunAs("daemon", Optional.empty()), "echo ran"));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(126);
    assertThat(out)
        .isEqualTo(
            "etcron: not started: worker runs as uid 65534 and cannot run jobs as \"daemon\"\n");

    // Its own account is no switch at all: that runs.
    List<String> own = new ArrayList<>(line.subList(0, 4));
    own.addAll(watchdog(NOBODY, "id -u"));
    Process q = new ProcessBuilder(own).redirectErrorStream(true).start();
    assertThat(new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("65534\n");
  }

  @Test
  void an_unfed_deadline_still_kills_a_command_run_as_another_user(@TempDir Path dir)
      throws Exception {
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    Path pid = dir.resolve("grandchild");
    ProcessTree tree =
        ProcessTree.start(
            List.of("/bin/sh", "-c", "sleep 60 & echo $! > " + pid + "; wait"),
            Map.of(),
            Optional.empty(),
            Optional.of(Duration.ofMillis(800)),
            Optional.empty(),
            new Confinement(Optional.of(NOBODY), false, Limits.NONE),
            b -> b.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD));
    assertThat(tree.waitFor()).isEqualTo(128 + 9);
    long grandchild = Long.parseLong(Files.readString(pid).trim());
    await()
        .atMost(Timing.seconds(5))
        .until(() -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
  }
}
