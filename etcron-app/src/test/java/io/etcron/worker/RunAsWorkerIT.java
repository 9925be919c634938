package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcron.execute.RunAsPolicy;
import io.etcron.job.JobName;
import io.etcron.job.JobSpecs;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jobs with a user on a real worker and etcd: what the command sees, and how a run the worker must
 * not start is recorded. Needs root and the user nobody (uid 65534, group nogroup 65534).
 */
class RunAsWorkerIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  @BeforeEach
  void needsRoot() throws Exception {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes()).trim();
    assumeTrue(uid.equals("0"), "switching users needs a root worker; tests run as uid " + uid);
  }

  /** The single run of {@code job}, once it has ended. */
  private static Run ended(WorkerHarness h, String job) {
    h.jobs.trigger(JobName.of(job), "test");
    await()
        .atMost(Timing.seconds(30))
        .until(() -> h.runsOf(job).stream().anyMatch(r -> r.endedAt().isPresent()));
    return h.runsOf(job).get(0);
  }

  @Test
  void a_job_with_user_nobody_runs_as_nobody_and_its_group() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(JobSpecs.of("as-nobody", "@every 1h", "id -u; id -g").user("nobody").build());
      Run run = ended(h, "as-nobody");
      assertThat(run.state()).as(run.outputTail()).isEqualTo(RunState.SUCCEEDED);
      assertThat(run.outputTail()).isEqualTo("65534\n65534\n");
    }
  }

  @Test
  void a_job_naming_a_missing_user_fails_unstarted_with_the_reason() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      Path marker = h.dir.resolve("ran");
      h.put(JobSpecs.of("ghost", "@every 1h", "touch " + marker).user("etcron-ghost").build());
      Run run = ended(h, "ghost");
      String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      assertThat(run.state()).isEqualTo(RunState.FAILED);
      assertThat(run.reason())
          .isEqualTo("not started: user \"etcron-ghost\" does not exist on host " + host);
      assertThat(run.outputTail()).contains("user \"etcron-ghost\" does not exist on host");
      assertThat(run.exitCode()).contains(126);
      assertThat(marker).doesNotExist();
    }
  }

  @Test
  void a_user_the_worker_does_not_list_is_refused_at_run_time() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1", b -> b.runAs(RunAsPolicy.only(Set.of("daemon"))));
      Path marker = h.dir.resolve("ran");
      h.put(JobSpecs.of("unlisted", "@every 1h", "touch " + marker).user("nobody").build());
      h.put(JobSpecs.of("as-root", "@every 1h", "touch " + marker).user("root").build());
      Run unlisted = ended(h, "unlisted");
      assertThat(unlisted.state()).isEqualTo(RunState.FAILED);
      assertThat(unlisted.reason())
          .isEqualTo(
              "could not start: this worker's --run-as-users (daemon) does not list \"nobody\"");
      Run root = ended(h, "as-root");
      assertThat(root.state()).isEqualTo(RunState.FAILED);
      assertThat(root.reason()).contains("does not list \"root\"");
      assertThat(marker).doesNotExist();
    }
  }

  @Test
  void a_jobs_limits_apply_to_its_command_run_as_its_user() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(
          JobSpecs.of("limited", "@every 1h", "id -u; ulimit -n")
              .user("nobody")
              .limits(null, 256L, null)
              .build());
      Run run = ended(h, "limited");
      assertThat(run.state()).as(run.outputTail()).isEqualTo(RunState.SUCCEEDED);
      assertThat(run.outputTail()).isEqualTo("65534\n256\n");

      h.put(
          JobSpecs.of("spinner", "@every 1h", "while :; do :; done")
              .limits(1L, null, null)
              .build());
      Run spun = ended(h, "spinner");
      assertThat(spun.state()).isEqualTo(RunState.FAILED);
      assertThat(spun.reason())
          .isEqualTo("killed by signal 24 (SIGXCPU: its limit of 1 CPU seconds was used up)");
    }
  }
}
