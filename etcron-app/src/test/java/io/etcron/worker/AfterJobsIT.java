package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.cli.CliProcess;
import io.etcron.job.JobName;
import io.etcron.job.JobSpecs;
import io.etcron.job.JobStore;
import io.etcron.master.Master;
import io.etcron.master.MasterSettings;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.run.Trigger;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.PostgresServer;
import io.etcron.testing.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs that run after others ({@code after}), on worker processes over real etcd and PostgreSQL,
 * with a master sweeping: each run of a parent that ends as a child's {@code on} says runs that
 * child exactly once, also when the parent's worker is SIGKILLed.
 */
class AfterJobsIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir Path dir;

  private SqlRunStore store;
  private String db;
  private Master master;
  private WorkerProcesses workers;

  @BeforeEach
  void start() {
    db = PostgresServer.shared().newDatabase("after");
    store = RunStores.open(db);
    workers = new WorkerProcesses(etcd.endpoints(), db, dir::resolve);
    master = Master.start(MasterSettings.local(0), etcd.client(), RunStores.open(db), () -> "");
  }

  @AfterEach
  void stop() throws Exception {
    workers.close();
    master.close();
    store.close();
  }

  private CliProcess worker(String id, String tags) throws Exception {
    return workers.start(id, "--tags", tags);
  }

  private void put(JobSpecs spec) {
    master
        .jobs()
        .put(
            io.etcron.job.Job.from(spec.build(), java.time.Instant.now()),
            JobStore.ANY_VERSION,
            "test");
  }

  /** A job that appends its run id (and its parent's) to {@code log} and exits {@code code}. */
  private JobSpecs logging(String name, String schedule, Path log, int code) {
    return JobSpecs.of(
        name,
        schedule,
        "echo \"$ETCRON_RUN_ID $ETCRON_PARENT_RUN_ID\" >> " + log + "; exit " + code);
  }

  private List<Run> runs(String job) {
    return store.query(RunQuery.all().forJob(job).limit(500)).runs();
  }

  private static long ended(List<Run> runs, RunState state) {
    return runs.stream().filter(r -> r.state() == state).count();
  }

  @Test
  void a_chain_runs_each_child_once_per_matching_parent_run() throws Exception {
    worker("wa", "any");
    worker("wb", "any");
    Path log = dir.resolve("log");
    // Children first, so that the workers know them before their parents' first runs end.
    put(logging("report", "", log, 0).after("success", "load"));
    put(logging("load", "", log, 0).after("success", "extract"));
    put(logging("alert", "", log, 0).after("failure", "broken"));
    put(logging("celebrate", "", log, 0).after("success", "broken"));
    put(logging("extract", "@every 1s", log, 0));
    put(logging("broken", "@every 1s", log, 3));

    await().atMost(Timing.seconds(30)).until(() -> ended(runs("extract"), RunState.SUCCEEDED) >= 4);
    master.jobs().setPaused(JobName.of("extract"), true, JobStore.ANY_VERSION, "test");
    master.jobs().setPaused(JobName.of("broken"), true, JobStore.ANY_VERSION, "test");
    // Every parent run that ended before the pause has its children, and they end.
    await()
        .atMost(Timing.seconds(30))
        .conditionEvaluationListener(
            c -> {
              if (c.getRemainingTimeInMS() <= c.getPollInterval().toMillis()) {
                // The last poll: say which count is short.
                System.out.println("chain runs: " + states());
              }
            })
        .until(
            () -> {
              long extracts = ended(runs("extract"), RunState.SUCCEEDED);
              long brokens = ended(runs("broken"), RunState.FAILED);
              return runs("extract").stream().allMatch(r -> r.state().isTerminal())
                  && runs("broken").stream().allMatch(r -> r.state().isTerminal())
                  && ended(runs("load"), RunState.SUCCEEDED) == extracts
                  && ended(runs("report"), RunState.SUCCEEDED) == extracts
                  && ended(runs("alert"), RunState.SUCCEEDED) == brokens;
            });

    for (Run load : runs("load")) {
      assertThat(load.id().trigger()).isEqualTo(Trigger.AFTER);
      RunId parent = load.id().parentId().orElseThrow();
      assertThat(parent.job()).isEqualTo("extract");
      assertThat(store.get(parent).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    }
    for (Run report : runs("report")) {
      assertThat(report.id().parentId().orElseThrow().job()).isEqualTo("load");
      assertThat(report.id().descendsFrom("extract")).isTrue();
    }
    assertThat(runs("load").stream().map(r -> r.id().parent()).distinct().count())
        .as("one load per extract run")
        .isEqualTo(runs("load").size());
    assertThat(runs("celebrate")).as("no run after a failure for on: success").isEmpty();
    List<String> lines = Files.readAllLines(log);
    Map<String, Long> counts =
        lines.stream()
            .map(l -> l.split(" ")[0])
            .collect(Collectors.groupingBy(l -> l, Collectors.counting()));
    assertThat(counts.values()).as("no run executed twice: %s", lines).allMatch(n -> n == 1);
    assertThat(lines).anyMatch(l -> l.startsWith("load@") && l.contains(" extract@"));
  }

  private Map<String, Map<RunState, Long>> states() {
    Map<String, Map<RunState, Long>> all = new TreeMap<>();
    for (String job : List.of("extract", "load", "report", "broken", "alert", "celebrate")) {
      all.put(
          job,
          runs(job).stream().collect(Collectors.groupingBy(Run::state, Collectors.counting())));
    }
    return all;
  }

  @Test
  void a_parents_worker_killed_right_after_its_end_leaves_each_child_run_once() throws Exception {
    CliProcess parentSide = worker("wa", "left");
    worker("wb", "right");
    Path log = dir.resolve("log");
    put(logging("third", "", log, 0).tags(List.of("right")).after("always", "second"));
    put(logging("second", "", log, 0).tags(List.of("right")).after("success", "first"));
    put(logging("first", "@every 1h", log, 0).tags(List.of("left")));
    master.jobs().trigger(JobName.of("first"), "test");

    await().atMost(Timing.seconds(20)).until(() -> ended(runs("first"), RunState.SUCCEEDED) == 1);
    parentSide.process().destroyForcibly(); // SIGKILL, as soon as the parent's end is stored

    await()
        .atMost(Timing.seconds(30))
        .until(
            () ->
                ended(runs("second"), RunState.SUCCEEDED) == 1
                    && ended(runs("third"), RunState.SUCCEEDED) == 1);
    Run first = runs("first").get(0);
    assertThat(runs("second").get(0).id().parentId()).contains(first.id());
    // Nothing more comes: the requests were written once.
    await()
        .pollDelay(Duration.ofSeconds(3))
        .atMost(Timing.seconds(4))
        .until(() -> runs("second").size() == 1 && runs("third").size() == 1);
  }

  @Test
  void a_parent_lost_with_its_worker_fires_its_always_children_once_and_no_success_child()
      throws Exception {
    CliProcess parentSide = worker("wa", "left");
    worker("wb", "right");
    Path started = dir.resolve("started");
    Path log = dir.resolve("log");
    put(logging("cleanup", "", log, 0).tags(List.of("right")).after("always", "slow"));
    put(logging("publish", "", log, 0).tags(List.of("right")).after("success", "slow"));
    put(JobSpecs.of("slow", "@every 1h", "touch " + started + "; sleep 30").tags(List.of("left")));
    master.jobs().trigger(JobName.of("slow"), "test");
    await().atMost(Timing.seconds(20)).until(() -> Files.exists(started));
    parentSide.process().destroyForcibly(); // mid-run: the sweeper records the run LOST

    await()
        .atMost(Timing.seconds(40))
        .until(
            () ->
                ended(runs("slow"), RunState.LOST) == 1
                    && ended(runs("cleanup"), RunState.SUCCEEDED) == 1);
    assertThat(runs("cleanup").get(0).id().parentId()).contains(runs("slow").get(0).id());
    assertThat(runs("publish")).isEmpty();
  }
}
