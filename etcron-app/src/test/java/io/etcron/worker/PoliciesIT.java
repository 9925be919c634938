package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.job.JobSpec;
import io.etcron.job.JobSpecs;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.store.Keys;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Concurrency and misfire policies, timeouts and kills, on real etcd with real processes. */
class PoliciesIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  static JobSpec spec(
      String name,
      String schedule,
      String command,
      String concurrency,
      String misfire,
      Integer maxCatchUp,
      String timeout) {
    return JobSpecs.of(name, schedule, command)
        .concurrency(concurrency)
        .misfire(misfire)
        .maxCatchUp(maxCatchUp)
        .timeout(timeout)
        .build();
  }

  @Test
  void forbid_skips_each_overlapped_fire_once() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.start("w2");
      h.put(spec("forbid", "@every 1s", "sleep 2.5", "forbid", null, null, null));
      await()
          .atMost(Timing.seconds(20))
          .until(
              () ->
                  h.runsOf("forbid").stream().filter(r -> r.state() == RunState.SUCCEEDED).count()
                      >= 2);
      h.stopAll();
      List<Run> runs = h.runsOf("forbid");
      Map<Instant, Long> perFire =
          runs.stream().collect(Collectors.groupingBy(Run::fireTime, Collectors.counting()));
      assertThat(perFire.values()).allMatch(n -> n == 1);
      List<Run> skipped = runs.stream().filter(r -> r.state() == RunState.SKIPPED).toList();
      assertThat(skipped).isNotEmpty().allMatch(r -> r.reason().contains("still running"));
      // Never two runs at once.
      List<Run> ran =
          runs.stream().filter(r -> r.startedAt().isPresent() && r.endedAt().isPresent()).toList();
      for (Run a : ran) {
        for (Run b : ran) {
          if (a != b) {
            assertThat(
                    a.endedAt().get().isBefore(b.startedAt().get())
                        || b.endedAt().get().isBefore(a.startedAt().get()))
                .as("%s and %s overlap", a.id(), b.id())
                .isTrue();
          }
        }
      }
    }
  }

  @Test
  void replace_kills_the_running_run_for_the_new_one() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.start("w2");
      h.put(spec("replace", "@every 2s", "sleep 30", "replace", null, null, null));
      await()
          .atMost(Timing.seconds(20))
          .until(
              () ->
                  h.runsOf("replace").stream().filter(r -> r.state() == RunState.KILLED).count()
                      >= 2);
      Run killed =
          h.runsOf("replace").stream()
              .filter(r -> r.state() == RunState.KILLED)
              .findFirst()
              .orElseThrow();
      assertThat(killed.reason()).contains("replaced by run");
      assertThat(h.runsOf("replace").stream().filter(r -> r.state() == RunState.RUNNING).count())
          .isLessThanOrEqualTo(1);
    }
  }

  @Test
  void allow_lets_runs_overlap() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(spec("allow", "@every 1s", "sleep 3", "allow", null, null, null));
      await()
          .atMost(Timing.seconds(20))
          .until(
              () ->
                  h.runsOf("allow").stream().filter(r -> r.state() == RunState.RUNNING).count()
                      >= 2);
    }
  }

  @Test
  void fires_on_an_excluded_day_are_recorded_skipped_and_a_manual_run_still_runs()
      throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      // Today and tomorrow (UTC): a test running across midnight still has every fire excluded.
      java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
      h.put(
          io.etcron.job.JobSpecs.of("holiday", "@every 1s", h.logRun())
              .exclude(today + ".." + today.plusDays(1))
              .build());
      await()
          .atMost(Timing.seconds(20))
          .until(
              () ->
                  h.runsOf("holiday").stream().filter(r -> r.state() == RunState.SKIPPED).count()
                      >= 3);
      assertThat(h.runsOf("holiday"))
          .allSatisfy(
              r -> {
                assertThat(r.state()).isEqualTo(RunState.SKIPPED);
                assertThat(r.reason()).contains("is an excluded day");
              });
      assertThat(h.executions()).isEmpty();
      h.jobs.trigger(io.etcron.job.JobName.of("holiday"), "test");
      await()
          .atMost(Timing.seconds(20))
          .until(() -> h.runsOf("holiday").stream().anyMatch(r -> r.state() == RunState.SUCCEEDED));
      assertThat(h.executions()).hasSize(1);
    }
  }

  @Test
  void an_edited_job_is_rescheduled_and_a_deleted_job_fires_no_more() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(spec("edited", "@every 1h", "true", null, null, null, null));
      h.put(spec("edited", "@every 1s", "true", null, null, null, null));
      await().atMost(Timing.seconds(15)).until(() -> h.runsOf("edited").size() >= 2);
      h.jobs.delete(io.etcron.job.JobName.of("edited"), io.etcron.job.JobStore.ANY_VERSION, "test");
      Instant deleted = Instant.now();
      await()
          .pollDelay(Duration.ofSeconds(3))
          .atMost(Timing.seconds(4))
          .until(() -> true); // fires that would come
      assertThat(h.runsOf("edited")).allMatch(r -> r.fireTime().isBefore(deleted.plusSeconds(1)));
    }
  }

  @Test
  void a_timeout_kills_the_whole_process_tree() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      Path pids = h.dir.resolve("timeout.pids");
      h.put(
          spec(
              "timeout",
              "@every 1h",
              "sleep 300 & echo $! >> " + pids + "; sleep 300",
              null,
              null,
              null,
              "2s"));
      h.jobs.trigger(io.etcron.job.JobName.of("timeout"), "test");
      await()
          .atMost(Timing.seconds(30))
          .until(() -> h.runsOf("timeout").stream().anyMatch(r -> r.state() == RunState.TIMED_OUT));
      Run run = h.runsOf("timeout").get(0);
      assertThat(run.reason()).contains("timed out after 2s");
      assertGone(pids);
    }
  }

  @Test
  void a_kill_request_reaches_grandchildren() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      Path pids = h.dir.resolve("kill.pids");
      h.put(
          spec(
              "victim",
              "@every 1h",
              "sh -c 'sleep 300 & echo $! >> " + pids + "; wait' ; sleep 300",
              null,
              null,
              null,
              null));
      h.jobs.trigger(io.etcron.job.JobName.of("victim"), "test");
      await()
          .atMost(Timing.seconds(20))
          .until(() -> Files.exists(pids) && !Files.readString(pids).isBlank());
      h.jobs.kill(io.etcron.job.JobName.of("victim"), "alice");
      await()
          .atMost(Timing.seconds(20))
          .until(() -> h.runsOf("victim").stream().anyMatch(r -> r.state() == RunState.KILLED));
      assertThat(h.runsOf("victim").get(0).reason()).isEqualTo("killed by alice");
      assertGone(pids);
    }
  }

  private static void assertGone(Path pids) throws Exception {
    for (String pid : Files.readAllLines(pids)) {
      await()
          .atMost(Timing.seconds(15))
          .until(
              () ->
                  ProcessHandle.of(Long.parseLong(pid.trim())).map(p -> !p.isAlive()).orElse(true));
    }
  }

  @Test
  void misfire_policies_after_every_worker_was_down() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      for (String policy : new String[] {"skip", "once", "all"}) {
        h.put(spec("misfire-" + policy, "@every 1s", "true", "allow", policy, 3, null));
      }
      // All workers were down for the last 8 fires: the cursors are 8.5 seconds behind.
      Instant past =
          Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusMillis(8_500);
      for (String policy : new String[] {"skip", "once", "all"}) {
        etcd.client()
            .getKVClient()
            .put(Keys.bytes("/etcron/cursor/misfire-" + policy), Keys.bytes(Keys.pad(past)))
            .get();
      }
      h.start("w1");
      await()
          .atMost(Timing.seconds(20))
          .until(
              () ->
                  h.runsOf("misfire-all").stream()
                          .filter(r -> r.state() == RunState.SUCCEEDED)
                          .count()
                      >= 3);
      h.stopAll();
      // Every fire since the old cursor has exactly one record; those before the first run are
      // MISSED; skip and once run only the latest, all runs the newest maxCatchUp (3).
      assertCaughtUp(h, "misfire-skip", past, 1, 7);
      assertCaughtUp(h, "misfire-once", past, 1, 7);
      assertCaughtUp(h, "misfire-all", past, 3, 5);
    }
  }

  private static void assertCaughtUp(
      WorkerHarness h, String job, Instant past, int ran, int atLeastMissed) {
    List<Run> runs = h.runsOf(job).stream().filter(r -> r.fireTime().isAfter(past)).toList();
    Instant firstRun =
        runs.stream()
            .filter(r -> r.state() == RunState.SUCCEEDED)
            .map(Run::fireTime)
            .min(Instant::compareTo)
            .orElseThrow();
    for (int i = 0; i < runs.size(); i++) {
      assertThat(runs.get(i).fireTime())
          .as(job + " fire %d", i)
          .isEqualTo(past.plusMillis(500).plusSeconds(i));
    }
    List<Run> before = runs.stream().filter(r -> r.fireTime().isBefore(firstRun)).toList();
    assertThat(before)
        .as(job)
        .hasSizeGreaterThanOrEqualTo(atLeastMissed)
        .allMatch(r -> r.state() == RunState.MISSED);
    assertThat(runs.stream().filter(r -> !r.fireTime().isBefore(firstRun)).limit(ran))
        .as(job)
        .allMatch(r -> r.state() == RunState.SUCCEEDED);
  }
}
