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
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.PostgresServer;
import io.etcron.testing.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Worker processes killed with SIGKILL or frozen with SIGSTOP, with two masters sweeping. */
class WorkerCrashIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir Path dir;

  private SqlRunStore store;
  private String db;
  private final List<Master> masters = new ArrayList<>();
  private WorkerProcesses workers;

  @BeforeEach
  void start() {
    db = PostgresServer.shared().newDatabase("crash");
    store = RunStores.open(db);
    workers = new WorkerProcesses(etcd.endpoints(), db, id -> dir);
    for (int i = 0; i < 2; i++) {
      masters.add(
          Master.start(
              MasterSettings.local(0),
              i == 0 ? etcd.client() : etcd.newClient(),
              RunStores.open(db),
              () -> ""));
    }
  }

  @AfterEach
  void stop() throws Exception {
    workers.close();
    masters.forEach(Master::close);
    store.close();
  }

  private CliProcess worker(String id) throws Exception {
    return workers.start(id);
  }

  private CliProcess launch(String id) throws Exception {
    return workers.launch(id);
  }

  private void put(String name, String schedule, String command) {
    new io.etcron.store.EtcdJobStore(
            etcd.client(),
            io.etcron.store.Keys.of("/etcron/"),
            Duration.ofSeconds(5),
            java.time.Clock.systemUTC())
        .put(JobSpecs.job(name, schedule, command), JobStore.ANY_VERSION, "test");
  }

  private List<Run> runs(String job) {
    return store.query(RunQuery.all().forJob(job).limit(500)).runs();
  }

  /**
   * The schedule of the jobs these tests trigger by hand: none of its own during a test (an hourly
   * one fired at the top of the hour in the middle of one, and the test read that run instead).
   */
  private static final String MANUAL_ONLY = "@at 2099-01-01T00:00:00Z";

  private CliProcess running(String job, List<String> ids) {
    Run r = runs(job).stream().filter(x -> x.state() == RunState.RUNNING).findFirst().orElseThrow();
    return workers.all().get(ids.indexOf(r.worker()));
  }

  @Test
  void a_worker_killed_mid_run_leaves_its_run_lost_once_and_the_survivor_runs_the_next_fires()
      throws Exception {
    Path executions = dir.resolve("executions");
    List<String> ids = List.of("wa", "wb");
    worker("wa");
    worker("wb");
    put("long", MANUAL_ONLY, "sleep 300");
    put("tick", "@every 1s", "echo $ETCRON_RUN_ID >> " + executions);
    // With a parameter: the LOST record the sweeper writes keeps it.
    masters.get(0).jobs().trigger(JobName.of("long"), Map.of("WHY", "crash test"), "test");
    await()
        .atMost(Timing.seconds(20))
        .until(() -> runs("long").stream().anyMatch(r -> r.state() == RunState.RUNNING));
    CliProcess victim = running("long", ids);
    String victimId = runs("long").get(0).worker();

    victim.process().destroyForcibly(); // SIGKILL
    Instant killedAt = Instant.now();

    await().atMost(Timing.seconds(30)).until(() -> runs("long").get(0).state() == RunState.LOST);
    Run lost = store.get(runs("long").get(0).id()).orElseThrow();
    assertThat(lost.reason()).contains("worker " + victimId + " is gone");
    assertThat(lost.params()).isEqualTo(Map.of("WHY", "crash test"));
    assertThat(masters.stream().filter(Master::leadsSweeper).count())
        .as("one master sweeps")
        .isEqualTo(1);

    String survivor = victimId.equals("wa") ? "wb" : "wa";
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                runs("tick").stream()
                        .filter(
                            r ->
                                r.state() == RunState.SUCCEEDED
                                    && r.worker().equals(survivor)
                                    && r.fireTime().isAfter(killedAt.plusSeconds(5)))
                        .count()
                    >= 3);
    Map<String, Long> counts =
        Files.readAllLines(executions).stream()
            .collect(Collectors.groupingBy(l -> l, Collectors.counting()));
    assertThat(counts.values()).as("no tick ran twice").allMatch(n -> n == 1);
  }

  @Test
  void a_worker_frozen_beyond_its_ttl_kills_its_run_when_it_wakes_and_runs_nothing_twice()
      throws Exception {
    Path executions = dir.resolve("executions");
    Path pids = dir.resolve("long.pid");
    List<String> ids = List.of("wa", "wb");
    worker("wa");
    worker("wb");
    put("long", MANUAL_ONLY, "sleep 300 & echo $! > " + pids + "; wait");
    put("tick", "@every 1s", "echo $ETCRON_RUN_ID >> " + executions);
    masters.get(0).jobs().trigger(JobName.of("long"), "test");
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                Files.exists(pids)
                    && !Files.readString(pids).isBlank()
                    && runs("long").stream().anyMatch(r -> r.state() == RunState.RUNNING));
    CliProcess frozen = running("long", ids);
    long child = Long.parseLong(Files.readString(pids).trim());

    new ProcessBuilder("kill", "-STOP", Long.toString(frozen.pid())).start().waitFor();
    // Frozen for twice its TTL: etcd expires its lease and the others go on without it.
    await().pollDelay(Duration.ofSeconds(6)).atMost(Timing.seconds(7)).until(() -> true);
    new ProcessBuilder("kill", "-CONT", Long.toString(frozen.pid())).start().waitFor();

    await()
        .atMost(Timing.seconds(15))
        .until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    try {
      await().atMost(Timing.seconds(20)).until(() -> runs("long").get(0).state() == RunState.LOST);
    } catch (ConditionTimeoutException e) {
      // Say what the run became, and what the woken worker did.
      String out = frozen.output();
      throw new AssertionError(
          "the frozen worker's run is not LOST: "
              + runs("long")
              + "; the worker's output ends with:\n"
              + out.substring(Math.max(0, out.length() - 6_000)),
          e);
    }
    await()
        .atMost(Timing.seconds(15))
        .until(
            () ->
                runs("tick").stream()
                        .filter(r -> r.fireTime().isAfter(Instant.now().minusSeconds(4)))
                        .count()
                    >= 2);
    Map<String, Long> counts =
        Files.readAllLines(executions).stream()
            .collect(Collectors.groupingBy(l -> l, Collectors.counting()));
    assertThat(counts.values()).as("no tick ran twice").allMatch(n -> n == 1);
  }

  private static void signal(CliProcess p, String signal) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
  }

  /** Audit 7: a frozen worker's command ran on while its lease expired and others took the job. */
  @Test
  void a_frozen_worker_cannot_keep_its_command_running_past_its_lease() throws Exception {
    Path beats = dir.resolve("beats");
    CliProcess w = worker("wf");
    put(
        "beating",
        MANUAL_ONLY,
        "trap '' TERM; while :; do date +%s%3N >> " + beats + "; sleep 0.1; done");
    masters.get(0).jobs().trigger(JobName.of("beating"), "test");
    await().atMost(Timing.seconds(20)).until(() -> Files.exists(beats));
    signal(w, "STOP");
    Instant stopped = Instant.now();
    try {
      await()
          .atMost(Timing.seconds(10))
          .until(() -> FaultsIT.lastBeat(beats).isBefore(Instant.now().minusSeconds(1)));
      // TTL 3 s: fed at most 200 ms before the stop with at most TTL − margin left.
      assertThat(FaultsIT.lastBeat(beats)).isBefore(stopped.plusSeconds(3));
    } finally {
      signal(w, "CONT");
    }
    await().atMost(Timing.seconds(20)).until(() -> runs("beating").get(0).state() == RunState.LOST);
  }

  /**
   * Chaos (G4): a command that ended by itself just before its worker died was recorded LOST: its
   * exit code lived only in the dead JVM. Frozen, the worker cannot record the end; the command
   * ends meanwhile, and the worker is then killed and started again.
   */
  @Test
  void a_command_that_ends_while_its_worker_dies_keeps_its_exit_code() throws Exception {
    Path started = dir.resolve("started");
    Path go = dir.resolve("go");
    CliProcess w = worker("we");
    put(
        "ends",
        MANUAL_ONLY,
        "touch " + started + "; while [ ! -f " + go + " ]; do sleep 0.05; done; exit 3");
    masters.get(0).jobs().trigger(JobName.of("ends"), "test");
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                Files.exists(started)
                    && runs("ends").stream().anyMatch(r -> r.state() == RunState.RUNNING));
    signal(w, "STOP");
    try {
      Files.createFile(go);
      // The watchdog (the JVM's child) has reaped the command and exited: a zombie of the frozen
      // JVM. What it knew of the command's end is all that is left of it.
      await().atMost(Timing.seconds(10)).until(() -> childrenExited(w.pid()));
    } finally {
      w.process().destroyForcibly();
      w.process().waitFor();
    }
    worker("we");
    await()
        .atMost(Timing.seconds(30))
        .untilAsserted(
            () ->
                assertThat(runs("ends"))
                    .singleElement()
                    .satisfies(
                        r -> {
                          assertThat(r.state()).isEqualTo(RunState.FAILED);
                          assertThat(r.exitCode()).contains(3);
                        }));
  }

  /** Whether every child of {@code pid} has exited (gone, or a zombie not yet reaped). */
  private static boolean childrenExited(long pid) throws Exception {
    List<ProcessHandle> children = ProcessHandle.of(pid).orElseThrow().children().toList();
    for (ProcessHandle child : children) {
      Path stat = Path.of("/proc", Long.toString(child.pid()), "stat");
      if (Files.exists(stat)) {
        String s = Files.readString(stat);
        // pid (comm) state ...: the state follows the last ')'
        if (s.charAt(s.lastIndexOf(')') + 2) != 'Z') {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Chaos: a worker restarted while etcd did not answer (a quorum loss) exited with "cannot reach
   * etcd" instead of waiting for it.
   */
  @Test
  void a_worker_started_while_etcd_does_not_answer_waits_for_it() throws Exception {
    etcd.member(0).pause();
    CliProcess w;
    try {
      w = launch("wq");
      await().atMost(Timing.seconds(30)).until(() -> w.output().contains("waits for etcd"));
      assertThat(w.process().isAlive()).as(w.output()).isTrue();
    } finally {
      etcd.member(0).resume();
    }
    w.awaitOutput(Timing.seconds(60), "worker wq started");
    assertThat(w.process().isAlive()).as(w.output()).isTrue();
  }

  /** Audit 12: a worker restarted with the same id left its predecessor's runs RUNNING forever. */
  @Test
  void a_worker_restarted_with_the_same_id_ends_its_predecessors_runs() throws Exception {
    CliProcess first = worker("fixed1");
    put("long", MANUAL_ONLY, "sleep 300");
    masters.get(0).jobs().trigger(JobName.of("long"), "test");
    await()
        .atMost(Timing.seconds(20))
        .until(() -> runs("long").stream().anyMatch(r -> r.state() == RunState.RUNNING));
    first.process().destroyForcibly();
    first.process().waitFor();
    worker("fixed1"); // at once: the old registration's lease has not expired yet
    await().atMost(Timing.seconds(15)).until(() -> runs("long").get(0).state() == RunState.LOST);
  }

  /**
   * CI: a restart read its predecessor's registration just before the old lease expired, and the
   * revoke that followed, answered "lease not found", made the worker exit. The registration here
   * names a lease that is already gone, as it is when the expiry falls between the read and the
   * revoke.
   */
  @Test
  void a_restart_whose_predecessors_lease_expires_meanwhile_still_starts() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    io.etcron.store.WorkerInfo old =
        new io.etcron.store.WorkerInfo(
            "wx",
            java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-"),
            gone.pid(),
            "0",
            java.util.Set.of(),
            1,
            Instant.now(),
            List.of(),
            Long.toHexString(etcd.client().getLeaseClient().grant(60).get().getID() + 1_000_000),
            false);
    etcd.client()
        .getKVClient()
        .put(
            io.etcron.store.Keys.bytes(io.etcron.store.Keys.of("/etcron/").worker("wx")),
            io.etcron.store.Keys.bytes(io.etcron.json.Json.write(old)))
        .get();
    worker("wx");
  }

  /**
   * Audit 8: a worker killed between a claim's commit and the fire's first record left the fire
   * without a record, ever.
   */
  @Test
  void a_worker_killed_right_after_a_claim_leaves_a_record_of_the_fire() throws Exception {
    CliProcess w = worker("wk");
    put("crash", "@every 4s", "true");
    await().atMost(Timing.seconds(20)).until(() -> !runs("crash").isEmpty());
    Optional<Instant> orphan = Optional.empty();
    for (int attempt = 0; attempt < 5 && orphan.isEmpty(); attempt++) {
      Instant t = FaultsIT.nextEvery(Duration.ofSeconds(4), Duration.ofSeconds(1));
      FaultsIT.until(t.minusMillis(40)); // claimed 100 ms ahead, started at t
      signal(w, "STOP");
      String cursor =
          io.etcron.store.Keys.string(
              etcd.client()
                  .getKVClient()
                  .get(io.etcron.store.Keys.bytes("/etcron/cursor/crash"))
                  .get()
                  .getKvs()
                  .get(0)
                  .getValue());
      boolean claimed = io.etcron.store.Keys.unpad(cursor).equals(t);
      if (claimed && runs("crash").stream().noneMatch(r -> r.fireTime().equals(t))) {
        orphan = Optional.of(t);
        w.process().destroyForcibly();
      } else {
        signal(w, "CONT");
      }
    }
    assertThat(orphan).as("a fire claimed and not yet recorded when the worker died").isPresent();
    Instant t = orphan.get();
    await()
        .atMost(Timing.seconds(20))
        .untilAsserted(
            () ->
                assertThat(runs("crash"))
                    .filteredOn(r -> r.fireTime().equals(t))
                    .singleElement()
                    .satisfies(r -> assertThat(r.state()).isEqualTo(RunState.LOST)));
  }
}
