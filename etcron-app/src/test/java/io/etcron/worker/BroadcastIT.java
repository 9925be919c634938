package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.job.Job;
import io.etcron.job.JobSpecs;
import io.etcron.job.JobStore;
import io.etcron.master.Master;
import io.etcron.master.MasterSettings;
import io.etcron.run.Run;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.PostgresServer;
import io.etcron.testing.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broadcast jobs on three worker processes over real etcd and PostgreSQL, with a master sweeping:
 * each fire runs once on every live worker, with its index and count, and a worker killed mid-way
 * leaves its runs recorded, not gone.
 */
class BroadcastIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir Path dir;

  private SqlRunStore store;
  private Master master;
  private WorkerProcesses workers;

  @BeforeEach
  void start() throws Exception {
    String db = PostgresServer.shared().newDatabase("broadcast");
    store = RunStores.open(db);
    master = Master.start(MasterSettings.local(0), etcd.client(), RunStores.open(db), () -> "");
    workers = new WorkerProcesses(etcd.endpoints(), db, dir::resolve);
    List<String> ids = List.of("wa", "wb", "wc");
    for (String id : ids) {
      workers.launch(id); // all three start at once
    }
    for (int i = 0; i < ids.size(); i++) {
      WorkerProcesses.awaitStarted(workers.all().get(i), ids.get(i));
    }
  }

  @AfterEach
  void stop() throws Exception {
    workers.close();
    master.close();
    store.close();
  }

  private List<Run> runs(String job) {
    return store.query(RunQuery.all().forJob(job).limit(500)).runs();
  }

  /** The runs of each fire, by fire time. */
  private TreeMap<Instant, List<Run>> byFire(String job) {
    return runs(job).stream()
        .collect(Collectors.groupingBy(Run::fireTime, TreeMap::new, Collectors.toList()));
  }

  @Test
  void each_fire_runs_once_on_every_worker_and_a_killed_workers_runs_stay_recorded()
      throws Exception {
    Path log = dir.resolve("log");
    master
        .jobs()
        .put(
            Job.from(
                JobSpecs.of(
                        "everywhere",
                        "@every 1s",
                        "echo \"$ETCRON_RUN_ID $ETCRON_SHARD_INDEX $ETCRON_SHARD_TOTAL"
                            + " $ETCRON_WORKER\" >> "
                            + log)
                    .mode("broadcast")
                    .build(),
                Instant.now()),
            JobStore.ANY_VERSION,
            "test");
    await()
        .atMost(Timing.seconds(30))
        .conditionEvaluationListener(
            c -> {
              if (c.getElapsedTimeInMS() > 25_000) {
                System.out.println("runs: " + runs("everywhere"));
                workers.all().forEach(w -> System.out.println(w.output()));
              }
            })
        .until(
            () ->
                byFire("everywhere").values().stream()
                        .filter(
                            rs ->
                                rs.size() == 3
                                    && rs.stream().allMatch(r -> r.state() == RunState.SUCCEEDED))
                        .count()
                    >= 3);
    for (List<Run> fire : byFire("everywhere").values()) {
      if (fire.size() == 3) {
        assertThat(fire.stream().map(r -> r.id().shard()).collect(Collectors.toSet()))
            .isEqualTo(Set.of(0, 1, 2));
        assertThat(fire.stream().map(Run::worker).collect(Collectors.toSet()))
            .isEqualTo(Set.of("wa", "wb", "wc"));
      }
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).anyMatch(l -> l.matches("everywhere@\\d+#2 2 3 w[abc]"));

    workers.all().get(1).process().destroyForcibly(); // SIGKILL wb
    Instant killed = Instant.now();
    // Until its lease expires, fires still give wb a run: each must end recorded (MISSED by the
    // sweeper, or LOST if it had started), and later fires go to the two others.
    await()
        .atMost(Timing.seconds(40))
        .until(
            () ->
                byFire("everywhere").entrySet().stream()
                        .filter(e -> e.getKey().isAfter(killed.plusSeconds(8)))
                        .filter(
                            e ->
                                e.getValue().size() == 2
                                    && e.getValue().stream()
                                        .allMatch(r -> r.state() == RunState.SUCCEEDED))
                        .count()
                    >= 2);
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                runs("everywhere").stream()
                    .anyMatch(
                        r ->
                            r.worker().equals("wb")
                                && r.fireTime().isAfter(killed)
                                && (r.state() == RunState.MISSED || r.state() == RunState.LOST)));
    // No fire is left with a run of wb that never got an end.
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                runs("everywhere").stream()
                    .noneMatch(r -> r.worker().equals("wb") && r.state() == RunState.RUNNING));
    Instant settled = Instant.now().minusSeconds(5);
    for (Map.Entry<Instant, List<Run>> e : byFire("everywhere").headMap(settled).entrySet()) {
      List<Integer> shards = e.getValue().stream().map(r -> r.id().shard()).sorted().toList();
      assertThat(shards)
          .as("fire %s: its runs' indexes", e.getKey())
          .isEqualTo(java.util.stream.IntStream.range(0, shards.size()).boxed().toList());
    }
    Map<String, Long> executions =
        Files.readAllLines(log).stream()
            .map(l -> l.split(" ")[0])
            .collect(Collectors.groupingBy(l -> l, Collectors.counting()));
    assertThat(executions.values()).as("no run executed twice").allMatch(n -> n == 1);
  }
}
