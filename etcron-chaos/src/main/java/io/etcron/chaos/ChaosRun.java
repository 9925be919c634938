package io.etcron.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.etcron.chaos.ClaimWatch.CursorPut;
import io.etcron.chaos.FaultInjector.Injected;
import io.etcron.chaos.check.Checker;
import io.etcron.chaos.check.ClaimedFire;
import io.etcron.chaos.check.Execution;
import io.etcron.chaos.check.History;
import io.etcron.chaos.check.JobDef;
import io.etcron.chaos.check.Report;
import io.etcron.chaos.check.RunRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chaos run: starts the cluster, creates the job mix, injects the seeded faults, lets the
 * cluster settle, reads the history (command log, run store, etcd cursors), stops everything it
 * started and checks the history. Blocking; bounded by the settings' duration plus the time to stop
 * the processes.
 */
final class ChaosRun {
  private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
  private static final Duration WARM_UP = Duration.ofSeconds(5);

  /** Reading the history and stopping the processes. */
  private static final Duration WIND_DOWN = Duration.ofSeconds(15);

  /**
   * What a run found.
   *
   * @param report the checker's figures
   * @param faults the faults as injected
   * @param summary the one-line JSON summary
   * @param dir where the run's files are
   */
  record Result(
      Report report,
      List<Injected> faults,
      List<String> unexpectedExits,
      String summary,
      Path dir) {

    /** Whether every guarantee held and no process exited on its own. */
    boolean passed() {
      return report.violations() == 0 && unexpectedExits.isEmpty();
    }
  }

  private final ChaosSettings s;

  ChaosRun(ChaosSettings settings) {
    this.s = settings;
  }

  Result run() throws Exception {
    Instant begin = Instant.now();
    Instant deadline = begin.plus(s.duration());
    Files.createDirectories(s.dir());
    Path script = s.dir().resolve("command.sh");
    try (InputStream in = ChaosRun.class.getResourceAsStream("command.sh")) {
      Files.write(script, in.readAllBytes());
    }
    Path commands = s.dir().resolve("commands.log");
    Random random = new Random(s.seed());
    List<ChaosJob> mix = ChaosJob.mix(random);

    List<Injected> injected;
    List<String> exits;
    List<CursorPut> cursors;
    List<RunRecord> records;
    Instant snapshot;
    FaultInjector injector;
    ClaimWatch watch = null;
    Cluster cluster = Cluster.startStores(s);
    try {
      watch = new ClaimWatch(cluster.client, s.dir().resolve("claims.log"));
      watch.start();
      cluster.startNodes(s);
      for (ChaosJob job : mix) {
        cluster.putJob(job.name(), job.spec(script, commands));
      }
      log.info(
          "{} jobs created, {} s after the start",
          mix.size(),
          Duration.between(begin, Instant.now()).toSeconds());
      Instant faultStart = Instant.now().plus(WARM_UP);
      Duration phase = Duration.between(faultStart, deadline.minus(s.settle()).minus(WIND_DOWN));
      List<Fault> plan =
          FaultPlan.of(
              s.seed(),
              phase,
              s.ttl(),
              cluster.workers.size(),
              cluster.masters.size(),
              cluster.etcd.members().size());
      log.info("fault plan (seed {}): {}", s.seed(), plan);
      injector = new FaultInjector(cluster, s.dir().resolve("faults.log"));
      injected = injector.run(plan, faultStart);
      FaultInjector.sleepUntil(min(Instant.now().plus(s.settle()), deadline.minus(WIND_DOWN)));
      snapshot = Instant.now();
      cursors = watch.readAll();
      records = RunStoreReader.readAll(cluster.jdbcUrl);
      exits = cluster.unexpectedExits();
    } finally {
      if (watch != null) {
        watch.close();
      }
      cluster.close();
    }
    writeRecords(s.dir().resolve("records.tsv"), records);
    CommandLog commandLog = CommandLog.read(commands);
    List<Execution> executions = commandLog.executions();
    int leftovers = killLeftovers(executions, script);

    History history = history(mix, executions, records, cursors, injector, snapshot);
    Report report = Checker.check(history);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("seed", s.seed());
    summary.put("durationSeconds", s.duration().toSeconds());
    summary.put("ttlSeconds", s.ttl().toSeconds());
    summary.put("elapsedSeconds", Duration.between(begin, Instant.now()).toSeconds());
    summary.put("faults", injected.stream().map(i -> i.fault().kind() + ":" + i.target()).toList());
    summary.put("violations", report.violations());
    summary.put("unexpectedExits", exits);
    summary.put("report", report);
    summary.put("malformedLogLines", commandLog.malformed());
    summary.put("claimWatchGaps", watch.gaps());
    summary.put("leftoverCommandsKilled", leftovers);
    summary.put("dir", s.dir().toString());
    ObjectMapper json = new ObjectMapper();
    Files.writeString(
        s.dir().resolve("report.json"),
        json.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
    return new Result(report, injected, exits, json.writeValueAsString(summary), s.dir());
  }

  private History history(
      List<ChaosJob> mix,
      List<Execution> executions,
      List<RunRecord> records,
      List<CursorPut> cursors,
      FaultInjector injector,
      Instant snapshot) {
    Map<String, Instant> created = new HashMap<>();
    List<ClaimedFire> claims = new ArrayList<>();
    for (CursorPut p : cursors) {
      if (p.version() == 1) {
        created.put(p.job(), p.fireTime());
      } else {
        claims.add(new ClaimedFire(p.job(), p.fireTime(), p.revision()));
      }
    }
    List<JobDef> jobs = new ArrayList<>();
    for (ChaosJob j : mix) {
      Instant at = created.get(j.name());
      if (at == null) {
        throw new IllegalStateException(
            "the creation of job " + j.name() + " was not seen in etcd's cursor keys");
      }
      jobs.add(new JobDef(j.name(), j.concurrency(), Duration.ofSeconds(j.periodSeconds()), at));
    }
    Instant cut = snapshot.minus(ChaosSettings.MARGIN);
    return new History(
        jobs,
        executions,
        records,
        claims,
        injector.workerFaults(),
        cut,
        cut,
        s.ttl(),
        ChaosSettings.GRACE);
  }

  /**
   * Commands still alive after their workers stopped (orphans of a killed worker): killed by their
   * own pid, which leads their process group.
   */
  private static int killLeftovers(List<Execution> executions, Path script) {
    int n = 0;
    for (Execution x : executions) {
      if (x.ended() || x.terminated()) {
        continue;
      }
      boolean ours =
          ProcessHandle.of(x.pid())
              .flatMap(p -> p.info().commandLine())
              .map(c -> c.contains(script.toString()))
              .orElse(false);
      if (ours && Signals.send("KILL", -x.pid())) {
        n++;
      }
    }
    return n;
  }

  /** The run store as read, one tab-separated row per line, for looking into a run afterwards. */
  private static void writeRecords(Path file, List<RunRecord> records) throws IOException {
    try (var out = Files.newBufferedWriter(file)) {
      for (RunRecord r : records) {
        out.write(
            String.join(
                "\t",
                r.runId(),
                r.state(),
                r.worker(),
                "" + r.token(),
                "" + r.attempt(),
                r.reason().replaceAll("\\s", " ")));
        out.write("\n");
      }
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
