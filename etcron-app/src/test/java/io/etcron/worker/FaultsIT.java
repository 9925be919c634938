package io.etcron.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcron.job.Job;
import io.etcron.job.JobName;
import io.etcron.job.JobSpec;
import io.etcron.job.JobSpecs;
import io.etcron.job.JobStore;
import io.etcron.run.RunState;
import io.etcron.store.Keys;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.TcpProxy;
import io.etcron.testing.Timing;
import io.etcron.worker.record.RunRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault audit's findings in the worker, reproduced on real etcd with real commands: each test
 * failed before its fix.
 */
class FaultsIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  /** A job spec with the fields these tests use; the others default. */
  static JobSpec job(
      String name,
      String schedule,
      String command,
      String concurrency,
      String misfire,
      Integer retries,
      String retryBackoff,
      List<String> tags) {
    return JobSpecs.of(name, schedule, command)
        .concurrency(concurrency)
        .misfire(misfire)
        .retries(retries)
        .retryBackoff(retryBackoff)
        .tags(tags)
        .build();
  }

  private int etcdPort() {
    return java.net.URI.create(etcd.member(0).clientUrl()).getPort();
  }

  /** Waits (polling the wall clock, no sleep) until {@code t}. */
  static void until(Instant t) {
    await()
        .atMost(Duration.between(Instant.now(), t).plusSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> !Instant.now().isBefore(t));
  }

  /** The next fire of {@code @every <period>} after now plus {@code margin}. */
  static Instant nextEvery(Duration period, Duration margin) {
    long p = period.toMillis();
    long t = (Instant.now().plus(margin).toEpochMilli() / p + 1) * p;
    return Instant.ofEpochMilli(t);
  }

  /**
   * A worker talking to etcd through {@code viaProxy}, recording into the harness's store: a 1 s
   * request timeout, and a TTL long enough that answers held for a few seconds do not cost the
   * lease.
   */
  private static Worker behindProxy(WorkerHarness h, Client viaProxy, String id)
      throws InterruptedException {
    return behindProxy(h, viaProxy, id, Duration.ofSeconds(30), Duration.ofSeconds(1));
  }

  private static Worker behindProxy(
      WorkerHarness h, Client viaProxy, String id, Duration ttl, Duration requestTimeout)
      throws InterruptedException {
    return Worker.builder(viaProxy, new RunRecorder(h.store, 200, Duration.ofMillis(50), 5000))
        .id(id)
        .ttl(ttl)
        .requestTimeout(requestTimeout)
        .start();
  }

  /**
   * Found by the chaos test after a quorum loss: a new session whose grant answered after its local
   * deadline was lost before the worker made it current, so its loss went unnoticed; the worker
   * kept the dead session and never claimed again. A slow link (answers later than the session's
   * deadline, sooner than the request timeout) makes every new session such a one.
   */
  @Test
  void a_session_lost_before_it_is_current_is_replaced_and_claiming_resumes() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client());
        TcpProxy proxy = TcpProxy.to(etcdPort());
        Client viaProxy = Client.builder().endpoints(proxy.url()).build()) {
      Worker w =
          behindProxy(h, viaProxy, "born-lost", Duration.ofSeconds(4), Duration.ofSeconds(5));
      try {
        h.put(job("ticks", "@every 1s", h.logRun(), "allow", null, null, null, null));
        await().atMost(Timing.seconds(15)).until(() -> !h.runsOf("ticks").isEmpty());
        var first = w.session();
        // 3.6 s a round trip: past a new session's 3 s deadline, within the 5 s request timeout.
        proxy.delay(Duration.ofMillis(1800));
        await().atMost(Timing.seconds(40)).until(() -> w.session() != first);
        var installed = w.session();
        await().atMost(Timing.seconds(10)).until(() -> !installed.isAlive());
        proxy.pass();
        Instant healed = Instant.now();
        await()
            .atMost(Timing.seconds(30))
            .until(
                () ->
                    h.runsOf("ticks").stream()
                        .anyMatch(r -> r.fireTime().isAfter(healed) && r.startedAt().isPresent()));
        assertThat(w.session().isAlive()).isTrue();
      } finally {
        w.close();
      }
    }
  }

  /**
   * Audit 1: a claim that commits but whose answer is late was thrown away: the fire never ran, had
   * no record, and its forbid lock stayed held, so every later fire was SKIPPED.
   */
  @Test
  void a_claim_whose_answer_is_late_is_read_back_and_runs() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client());
        TcpProxy proxy = TcpProxy.to(etcdPort());
        Client viaProxy = Client.builder().endpoints(proxy.url()).build()) {
      Worker w = behindProxy(h, viaProxy, "slow-answers");
      try {
        h.put(job("amb", "@every 3s", h.logRun(), "forbid", null, null, null, null));
        await().atMost(Timing.seconds(15)).until(() -> !h.runsOf("amb").isEmpty());
        Instant t = nextEvery(Duration.ofSeconds(3), Duration.ofSeconds(1));
        until(t.minusMillis(400)); // before the claim, made 100 ms ahead of the fire
        proxy.holdAnswers();
        until(t.plusMillis(1800)); // the claim's 1 s timeout has passed
        proxy.pass();
        String ambiguous = "amb@" + t.toEpochMilli();
        await()
            .atMost(Timing.seconds(20))
            .untilAsserted(
                () -> {
                  assertThat(h.executions()).containsKey(ambiguous);
                  assertThat(
                          h.runsOf("amb").stream()
                              .filter(r -> r.fireTime().isAfter(t))
                              .filter(r -> r.state() == RunState.SUCCEEDED)
                              .count())
                      .isGreaterThanOrEqualTo(2);
                });
        assertThat(h.runsOf("amb")).noneMatch(r -> r.state() == RunState.SKIPPED);
        assertThat(h.executions().values()).allMatch(n -> n == 1);
      } finally {
        w.close();
      }
    }
  }

  /**
   * Audit 4: a claim in flight across a lease loss became a run nothing killed. The worker read its
   * session before the claim and started what the claim owned without asking whether that session
   * still lived; the loss had found nothing to kill, so the run went on after its lock was gone.
   * Here etcd's answers are held (requests still reach it) from just before a claim until past the
   * session's local deadline, and released before the claim's request timeout: the claim's answer
   * arrives, committed, for a session already lost.
   */
  @Test
  void a_claim_answered_after_its_session_was_lost_starts_no_run() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client());
        TcpProxy proxy = TcpProxy.to(etcdPort());
        Client viaProxy = Client.builder().endpoints(proxy.url()).build()) {
      Worker w =
          behindProxy(h, viaProxy, "lost-in-flight", Duration.ofSeconds(4), Duration.ofSeconds(8));
      try {
        h.put(job("inflight", "@every 5s", h.logRun(), "forbid", null, null, null, null));
        await().atMost(Timing.seconds(20)).until(() -> !h.runsOf("inflight").isEmpty());
        var before = w.session();
        Instant t = nextEvery(Duration.ofSeconds(5), Duration.ofSeconds(1));
        until(t.minusMillis(400)); // before the claim, made 100 ms ahead of the fire
        proxy.holdAnswers();
        await().atMost(Timing.seconds(10)).until(() -> !before.isAlive()); // lost locally
        proxy.pass(); // the claim's answer arrives now, within its 8 s timeout
        String inFlight = "inflight@" + t.toEpochMilli();
        await()
            .atMost(Timing.seconds(20))
            .untilAsserted(
                () ->
                    assertThat(h.runsOf("inflight"))
                        .anyMatch(
                            r -> r.id().toString().equals(inFlight) && r.state() == RunState.LOST));
        assertThat(h.executions()).doesNotContainKey(inFlight);
        // The worker goes on under a new session.
        Instant healed = Instant.now();
        await()
            .atMost(Timing.seconds(30))
            .until(
                () ->
                    h.runsOf("inflight").stream()
                        .anyMatch(
                            r -> r.fireTime().isAfter(healed) && r.state() == RunState.SUCCEEDED));
      } finally {
        w.close();
      }
    }
  }

  /**
   * Audit M7: a kill request reached only runs already active. A fire claimed before the request
   * whose run began after it (here: the claim's answer is held until after the kill's watch event)
   * escaped the kill and ran to its end.
   */
  @Test
  void a_kill_that_arrives_between_claim_and_start_stops_the_run() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client());
        TcpProxy proxy = TcpProxy.to(etcdPort());
        Client viaProxy = Client.builder().endpoints(proxy.url()).build()) {
      Worker w = behindProxy(h, viaProxy, "late-kill");
      try {
        // The command logs only after 2 s: a run the kill reaches (refused at its start, or killed
        // once the kill's watch event lands just after it) never logs; one it misses does.
        h.put(
            job("killed", "@every 3s", "sleep 2; " + h.logRun(), "forbid", null, null, null, null));
        await().atMost(Timing.seconds(15)).until(() -> !h.runsOf("killed").isEmpty());
        Instant t = nextEvery(Duration.ofSeconds(3), Duration.ofSeconds(1));
        until(t.minusMillis(400)); // before the claim, made 100 ms ahead of the fire
        proxy.holdAnswers();
        String cursor = "/etcron/cursor/killed";
        await()
            .atMost(Timing.seconds(5))
            .pollInterval(Duration.ofMillis(5))
            .until(
                () ->
                    Keys.unpad(
                            Keys.string(
                                etcd.client()
                                    .getKVClient()
                                    .get(Keys.bytes(cursor))
                                    .get()
                                    .getKvs()
                                    .get(0)
                                    .getValue()))
                        .equals(t));
        h.jobs.kill(new JobName("killed"), "test"); // after the claim committed, before the run
        until(t.plusMillis(1500));
        proxy.pass();
        String fire = "killed@" + t.toEpochMilli();
        await()
            .atMost(Timing.seconds(20))
            .untilAsserted(
                () ->
                    assertThat(h.runsOf("killed"))
                        .filteredOn(r -> r.id().toString().equals(fire))
                        .singleElement()
                        .satisfies(r -> assertThat(r.state()).isEqualTo(RunState.KILLED)));
        assertThat(h.executions()).doesNotContainKey(fire);
      } finally {
        w.close();
      }
    }
  }

  /**
   * Audit M6: a draining worker stayed preferred: peers waited a grace before taking each fire it
   * would have been preferred for, for the whole drain.
   */
  @Test
  void a_draining_worker_is_not_waited_for() throws Exception {
    Duration grace = Duration.ofSeconds(3);
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      Worker draining =
          h.start(
              "drains",
              b -> b.grace(grace).drainTimeout(Duration.ofSeconds(15)).tags(Set.of("slow")));
      h.start("stays", b -> b.grace(grace));
      h.put(job("holding", "@every 1h", "sleep 60", "forbid", null, null, null, List.of("slow")));
      h.jobs.trigger(new JobName("holding"), "test");
      await()
          .atMost(Timing.seconds(10))
          .until(() -> h.runsOf("holding").stream().anyMatch(r -> r.state() == RunState.RUNNING));
      h.put(job("ticks", "@every 1s", h.logRun(), "allow", null, null, null, null));
      await().atMost(Timing.seconds(10)).until(() -> h.runsOf("ticks").size() >= 2);

      CompletableFuture<Void> drain = CompletableFuture.runAsync(draining::close);
      Instant from = Instant.now().plusSeconds(1); // the draining mark reaches the peer
      await()
          .atMost(Timing.seconds(15))
          .until(
              () ->
                  h.runsOf("ticks").stream()
                          .filter(r -> r.fireTime().isAfter(from) && r.startedAt().isPresent())
                          .count()
                      >= 6);
      assertThat(h.runsOf("ticks"))
          .filteredOn(r -> r.fireTime().isAfter(from) && r.startedAt().isPresent())
          .allSatisfy(
              r -> {
                assertThat(r.worker()).isEqualTo("stays");
                assertThat(Duration.between(r.fireTime(), r.startedAt().get()))
                    .isLessThan(grace.minusSeconds(1));
              });
      drain.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /**
   * Audit 5: a run killed while waiting for its retry started its next attempt anyway, then got the
   * normal TERM grace.
   */
  @Test
  void a_run_killed_during_its_retry_backoff_does_not_start_again() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      Path log = h.dir.resolve("attempts");
      String command =
          "echo \"$ETCRON_ATTEMPT\" >> "
              + log
              + "; if [ \"$ETCRON_ATTEMPT\" = 1 ]; then exit 1; fi; sleep 30";
      h.put(job("retrying", "@every 1h", command, "forbid", null, 1, "4s", null));
      String runId = h.jobs.trigger(new JobName("retrying"), "test");
      await()
          .atMost(Timing.seconds(10))
          .until(
              () ->
                  h.store.all().stream()
                      .anyMatch(
                          r -> r.id().toString().equals(runId) && r.state() == RunState.FAILED));
      h.jobs.kill(new JobName("retrying"), "test");
      await()
          .atMost(Timing.seconds(15))
          .until(
              () ->
                  h.store.all().stream()
                      .anyMatch(
                          r -> r.id().toString().equals(runId) && r.state() == RunState.KILLED));
      assertThat(Files.readAllLines(log)).containsExactly("1");
    }
  }

  /**
   * Audit 6: a draining worker ignored the loss of its lease: its forbid run went on while another
   * worker could take the job.
   */
  @Test
  void a_draining_worker_that_loses_its_lease_kills_its_runs() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client());
        TcpProxy proxy = TcpProxy.to(etcdPort());
        Client viaProxy = Client.builder().endpoints(proxy.url()).build()) {
      Path beats = h.dir.resolve("beats");
      Worker w =
          Worker.builder(viaProxy, new RunRecorder(h.store, 200, Duration.ofMillis(50), 5000))
              .id("drained")
              .ttl(Duration.ofSeconds(3))
              .drainTimeout(Duration.ofSeconds(30))
              .start();
      h.put(
          job(
              "long",
              "@every 1h",
              "while :; do date +%s%3N >> " + beats + "; sleep 0.1; done",
              "forbid",
              null,
              null,
              null,
              null));
      h.jobs.trigger(new JobName("long"), "test");
      await().atMost(Timing.seconds(10)).until(() -> Files.exists(beats));
      CompletableFuture<Void> drain = CompletableFuture.runAsync(w::close);
      proxy.drop();
      Instant cut = Instant.now();
      // Lost at TTL − margin after the last acknowledged keep-alive; killed at once.
      await()
          .atMost(Timing.seconds(10))
          .until(() -> lastBeat(beats).isBefore(Instant.now().minusSeconds(1)));
      assertThat(lastBeat(beats)).isBefore(cut.plusSeconds(3));
      drain.get();
    }
  }

  static Instant lastBeat(Path beats) throws java.io.IOException {
    List<String> lines = Files.readAllLines(beats);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).matches("\\d{13}")) {
        return Instant.ofEpochMilli(Long.parseLong(lines.get(i)));
      }
    }
    return Instant.EPOCH;
  }

  /**
   * Audit 11: editing a schedule turned the time since the last claim into missed fires of the new
   * schedule, and caught them up under misfire {@code all}.
   */
  @Test
  void editing_a_schedule_starts_it_from_now() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1");
      h.put(job("edited", "@every 1h", h.logRun(), "forbid", "all", null, null, null));
      Instant created = Instant.now();
      until(created.plusSeconds(4));
      Instant edited = Instant.now();
      h.put(job("edited", "@every 1s", h.logRun(), "forbid", "all", null, null, null));
      await()
          .atMost(Timing.seconds(10))
          .until(
              () ->
                  h.runsOf("edited").stream().filter(r -> r.state() == RunState.SUCCEEDED).count()
                      >= 2);
      assertThat(h.runsOf("edited"))
          .allMatch(r -> !r.fireTime().isBefore(edited.minusSeconds(1)), "fired after the edit")
          .noneMatch(r -> r.state() == RunState.MISSED);
    }
  }

  /**
   * Audit 10: a fire nobody could take was given up after 30 checks: a manual run asked for while
   * every worker was busy never ran and never got a record.
   */
  @Test
  void a_manual_run_waits_for_capacity_instead_of_vanishing() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.start("w1", b -> b.capacity(1).grace(Duration.ofMillis(100)));
      h.put(job("busy", "@every 1h", "sleep 6", "forbid", null, null, null, null));
      h.put(job("other", "@every 1h", h.logRun(), "forbid", null, null, null, null));
      h.jobs.trigger(new JobName("busy"), "test");
      await().atMost(Timing.seconds(10)).until(() -> !h.runsOf("busy").isEmpty());
      String other = h.jobs.trigger(new JobName("other"), "test");
      // 30 checks one grace apart were 3 s: far less than the busy run's 6 s.
      await().atMost(Timing.seconds(30)).until(() -> h.executions().containsKey(other));
    }
  }

  /** Audit 16: a manual run asked for before its job was deleted ran the re-created job. */
  @Test
  void deleting_a_job_drops_its_unclaimed_manual_runs() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      h.put(job("gone", "@every 1h", "echo old", "forbid", null, null, null, List.of("nobody")));
      String stale = h.jobs.trigger(new JobName("gone"), "test");
      h.jobs.delete(new JobName("gone"), JobStore.ANY_VERSION, "test");
      h.put(job("gone", "@every 1h", h.logRun(), "forbid", null, null, null, null));
      h.start("w1");
      String fresh = h.jobs.trigger(new JobName("gone"), "test");
      await().atMost(Timing.seconds(10)).until(() -> h.executions().containsKey(fresh));
      assertThat(h.executions()).doesNotContainKey(stale);
      assertThat(
              etcd.client()
                  .getKVClient()
                  .get(
                      Keys.bytes("/etcron/triggers/gone/"),
                      io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())
                  .get()
                  .getKvs())
          .isEmpty();
    }
  }

  /**
   * Audit 11's neighbour in the API: re-applying a paused job without {@code paused} wrote its
   * cursor twice in one transaction, which etcd refuses, so a paused job could not be re-applied.
   */
  @Test
  void a_paused_job_can_be_re_applied_to_resume_it() throws Exception {
    try (WorkerHarness h = new WorkerHarness(etcd.client())) {
      JobSpec spec = WorkerHarness.spec("p", "@every 1h", "true");
      h.jobs.put(Job.from(spec, Instant.now()).withPaused(true), JobStore.ANY_VERSION, "test");
      // The same spec without paused: the job resumes (its cursor moves to now, once).
      JobStore.PutResult r =
          h.jobs.put(Job.from(spec, Instant.now()), JobStore.ANY_VERSION, "test");
      assertThat(r.job().job().paused()).isFalse();
    }
  }
}
