package io.etcron.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.Client;
import io.etcron.run.RunId;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.store.Keys;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * J jobs firing every second (or, with {@code burst}, all at second 0 of every minute), run by W
 * worker processes against one etcd for D seconds, every run stored in the real run store (H2 by
 * default, PostgreSQL, or the JSON-lines file on request): fires per second achieved, duplicates,
 * misses, lateness, per-worker balance and etcd Raft proposals per fire, beside the raw transaction
 * rate of the same client measured in the same run. With the {@code http} executor the jobs are
 * HTTP jobs calling a local server in the benchmark's process ({@link HttpTarget}).
 */
public final class FiresBench {
  /**
   * What to run.
   *
   * @param db the run store: a JDBC URL, {@code file} for the JSON-lines file, or empty for an H2
   *     file database in a temporary directory
   * @param burst all jobs at second 0 of each minute ({@code 0 * * * * *}) instead of every second
   */
  public record Settings(
      int jobs,
      int workers,
      Duration duration,
      String executor,
      String policy,
      Duration warmUp,
      Optional<String> db,
      boolean burst) {}

  private final Client client;
  private final String endpoints;
  private final String etcdMetrics;
  private final Settings settings;
  private final PrintWriter out;

  public FiresBench(Client client, String endpoints, Settings settings, PrintWriter out) {
    this.client = client;
    this.endpoints = endpoints;
    this.etcdMetrics = endpoints.split(",")[0] + "/metrics";
    this.settings = settings;
    this.out = out;
  }

  /** {@code h2}, {@code postgresql} or {@code file}. */
  String runStore() {
    String db = settings.db().orElse("");
    return db.equals("file") ? "file" : db.startsWith("jdbc:postgresql:") ? "postgresql" : "h2";
  }

  public Map<String, Object> run() throws Exception {
    Path dir = Files.createTempDirectory("etcron-bench-fires");
    Throughput.Result raw =
        Throughput.measure(
            16,
            Duration.ofSeconds(1),
            Duration.ofSeconds(4),
            i -> RawTxn.cycle(client, "bench/fires-raw/" + i, 0));
    out.printf(
        "raw etcd reference: %.0f put-if-absent txn + delete pairs/s (16 loops)%n",
        raw.perSecond());
    String schedule = settings.burst() ? "0 * * * * *" : "@every 1s";
    boolean http = settings.executor().equals("http");
    // HTTP jobs call a server in this process; the workers make the calls in theirs.
    try (HttpTarget target = http ? HttpTarget.start() : null) {
      BenchJobs.create(
          client,
          Keys.of("/etcron/"),
          settings.jobs(),
          i ->
              http
                  ? BenchJobs.httpSpec("bench-" + i, schedule, settings.policy(), target.url())
                  : BenchJobs.spec("bench-" + i, schedule, settings.policy(), null));
      return run(dir, raw, schedule, Optional.ofNullable(target));
    }
  }

  private Map<String, Object> run(
      Path dir, Throughput.Result raw, String schedule, Optional<HttpTarget> target)
      throws Exception {
    boolean file = runStore().equals("file");
    String url = settings.db().filter(d -> !file).orElse(RunStores.h2Url(dir.resolve("h2")));
    // The benchmark opens the store first: it migrates the schema once, and an H2 file is then
    // served from this process to the workers (AUTO_SERVER).
    try (SqlRunStore store = file ? null : RunStores.open(url)) {
      out.printf(
          "%d jobs (%s) created; starting %d workers (%s executor, %s run store)%n",
          settings.jobs(), schedule, settings.workers(), settings.executor(), runStore());
      out.flush();
      List<Process> workers = startWorkers(dir, file ? null : url);
      Instant from;
      Instant to;
      double proposalsBefore;
      double proposalsAfter;
      double cpuBefore;
      double cpuAfter;
      try {
        Thread.sleep(settings.warmUp().toMillis()); // warm-up: workers connect, load jobs, JIT
        ChronoUnit unit = settings.burst() ? ChronoUnit.MINUTES : ChronoUnit.SECONDS;
        from = Instant.now().truncatedTo(unit).plus(1, unit);
        long units =
            Math.max(
                1, settings.duration().get(ChronoUnit.SECONDS) / unit.getDuration().getSeconds());
        to = from.plus(units, unit);
        sleepUntil(from);
        proposalsBefore = proposals();
        cpuBefore = cpuSeconds(workers);
        sleepUntil(to); // the measured window itself (a burst's last minute: its start time)
        proposalsAfter = proposals();
        cpuAfter = cpuSeconds(workers);
        Thread.sleep(3000); // the fires of the window's last seconds finish
      } finally {
        stop(workers);
      }
      FireRecords records = FireRecords.read(dir, Optional.ofNullable(store), from, to);
      Map<String, Object> report =
          report(
              records,
              raw,
              proposalsAfter - proposalsBefore,
              cpuAfter - cpuBefore,
              from,
              to,
              target);
      if ((long) report.get("misses") == 0 && (long) report.get("duplicates") == 0) {
        try (var files = Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      } else {
        out.println("the workers' logs and records are kept in " + dir);
      }
      return report;
    }
  }

  private static void sleepUntil(Instant t) throws InterruptedException {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) {
      Thread.sleep(ms); // the benchmark's clock: waiting for a wall-clock instant is the point
    }
  }

  private static void stop(List<Process> workers) throws InterruptedException {
    for (Process p : workers) {
      p.destroy(); // SIGTERM: the worker drains and flushes its records
    }
    for (Process p : workers) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private List<Process> startWorkers(Path dir, String url)
      throws IOException, InterruptedException {
    List<Process> workers = new ArrayList<>();
    for (int i = 0; i < settings.workers(); i++) {
      Path records = dir.resolve("w" + i + ".jsonl");
      // C1 only and the serial collector: on a small machine the JIT and GC threads of several
      // worker JVMs would otherwise take the CPU the workers need while they warm up.
      List<String> options =
          new ArrayList<>(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
      if (url != null) {
        options.add("-D" + JsonLinesRunStore.EXECUTIONS_PROPERTY + "=" + records);
      }
      List<String> cmd = new ArrayList<>(BenchJvm.command(options, "io.etcron.cli.Main"));
      cmd.addAll(
          List.of(
              "worker",
              "--id",
              "bench-w" + i,
              "--etcd",
              endpoints,
              "--db",
              url != null ? url : "jsonl:" + records,
              "--executor",
              // an HTTP job's call is made by the worker whatever runs commands
              settings.executor().equals("http") ? "shell" : settings.executor(),
              "--capacity",
              "10000", // the most a worker takes; a no-op run holds its slot for microseconds
              "--drain-timeout",
              "5s"));
      workers.add(
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("w" + i + ".log").toFile())
              .start());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (registered() < settings.workers()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("workers did not register within 120 s; see " + dir);
      }
      Thread.sleep(200); // polling the registrations while the processes start
    }
    return workers;
  }

  private long registered() {
    try {
      return client
          .getKVClient()
          .get(
              Keys.bytes("/etcron/workers/"),
              io.etcd.jetcd.options.GetOption.builder().isPrefix(true).withCountOnly(true).build())
          .get(5, TimeUnit.SECONDS)
          .getCount();
    } catch (Exception e) {
      return 0;
    }
  }

  /** CPU time (user + system) the worker processes have used so far, in seconds. */
  private static double cpuSeconds(List<Process> workers) {
    return workers.stream()
        .mapToDouble(
            p ->
                p.toHandle()
                    .info()
                    .totalCpuDuration()
                    .map(d -> d.toNanos() / 1e9)
                    .orElse(Double.NaN))
        .sum();
  }

  private double proposals() throws Exception {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(etcdMetrics)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return text.lines()
        .filter(l -> l.startsWith("etcd_server_proposals_committed_total "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim()))
        .findFirst()
        .orElse(Double.NaN);
  }

  private Map<String, Object> report(
      FireRecords r,
      Throughput.Result raw,
      double proposals,
      double workerCpu,
      Instant from,
      Instant to,
      Optional<HttpTarget> target)
      throws Exception {
    double seconds = Duration.between(from, to).toSeconds();
    long fireTimes = settings.burst() ? (long) seconds / 60 : (long) seconds;
    long expected = fireTimes * settings.jobs();
    long ran = r.runs().size();
    long[] lateness =
        r.runs().stream().mapToLong(FireRecords.Ran::latenessMillis).sorted().toArray();
    Map<String, Long> perWorker = new TreeMap<>();
    r.runs().forEach(x -> perWorker.merge(x.worker(), 1L, Long::sum));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", settings.burst() ? "fires-burst" : "fires");
    json.put("jobs", settings.jobs());
    json.put("workers", settings.workers());
    json.put("executor", settings.executor());
    json.put("policy", settings.policy());
    json.put("run_store", runStore());
    json.put("window_s", seconds);
    json.put("fires_expected", expected);
    json.put("fires_run", ran);
    json.put("fires_per_s", round(ran / seconds));
    json.put("duplicates", r.duplicates());
    json.put("misses", expected - ran);
    json.put("lateness_p50_ms", Throughput.percentile(lateness, 0.50));
    json.put("lateness_p99_ms", Throughput.percentile(lateness, 0.99));
    json.put("lateness_max_ms", lateness.length == 0 ? 0 : lateness[lateness.length - 1]);
    if (settings.burst()) {
      List<Map<String, Object>> minutes = perMinute(r);
      json.put("burst_jobs", settings.jobs());
      json.put(
          "burst_last_start_ms",
          minutes.stream().mapToLong(m -> (long) m.get("last_start_ms")).max().orElse(-1));
      json.put(
          "burst_p99_ms", minutes.stream().mapToLong(m -> (long) m.get("p99_ms")).max().orElse(-1));
      json.put("per_minute", minutes);
    } else {
      // A p99 from a few stalled seconds reads differently from one the whole window shares.
      List<long[]> byFire = perFire(r);
      json.put("worst_second_max_ms", byFire.stream().mapToLong(x -> x[1]).max().orElse(0));
      json.put("seconds_with_a_start_over_250_ms", byFire.stream().filter(x -> x[1] > 250).count());
      out.printf(
          "%-28s %s%n",
          "latest start each second",
          byFire.stream().map(x -> Long.toString(x[1])).collect(Collectors.joining(" ")) + " ms");
      byFire.stream()
          .sorted((x, y) -> Long.compare(y[1], x[1]))
          .limit(3)
          .forEach(
              x ->
                  out.printf(
                      "%-28s %s: latest start %d ms after the fire%n",
                      "a worst second", Instant.ofEpochMilli(x[0]), x[1]));
    }
    json.put("per_worker", perWorker);
    json.put("etcd_proposals_per_fire", round(proposals / Math.max(1, ran)));
    // What one worker spends for the fleet's fires: falls as workers are added when each does
    // only its share of the work.
    double cpuPerThousand = workerCpu / settings.workers() / Math.max(1, ran) * 1000;
    json.put("worker_cpu_s", round(workerCpu));
    json.put("cpu_s_per_1000_fires_per_worker", Math.round(cpuPerThousand * 1000) / 1000.0);
    json.put("raw_txn_pairs_per_s", round(raw.perSecond()));
    json.put("fires_per_s_vs_raw_txn_pairs_per_s", round(ran / seconds / raw.perSecond()));
    // every call the target answered, warm-up and the window's tail included
    target.ifPresent(t -> json.put("http_requests", t.requests()));
    out.printf("%-28s %s%n", "run store", runStore());
    out.printf("%-28s %s%n", "fires expected / run", expected + " / " + ran);
    out.printf(
        "%-28s %.0f/s (raw etcd txn+delete pairs: %.0f/s, ratio %.2f)%n",
        "fires run", ran / seconds, raw.perSecond(), ran / seconds / raw.perSecond());
    out.printf("%-28s %d%n", "duplicates", r.duplicates());
    out.printf("%-28s %d%n", "misses", expected - ran);
    out.printf(
        "%-28s p50 %s ms, p99 %s ms, max %s ms%n",
        "lateness (start - fire time)",
        json.get("lateness_p50_ms"),
        json.get("lateness_p99_ms"),
        json.get("lateness_max_ms"));
    out.printf("%-28s %s%n", "per worker", perWorker);
    out.printf("%-28s %.2f%n", "etcd proposals per fire", proposals / Math.max(1, ran));
    out.printf(
        "%-28s %.1f CPU-s in all; %.3f CPU-s per 1 000 fires per worker%n",
        "workers' CPU in the window", workerCpu, cpuPerThousand);
    out.println(new ObjectMapper().writeValueAsString(json));
    out.flush();
    return json;
  }

  /** For each fire time: {fire epoch millis, the latest start's lateness}. */
  private static List<long[]> perFire(FireRecords r) {
    Map<Long, Long> latest = new TreeMap<>();
    r.runs().forEach(x -> latest.merge(x.fireMillis(), x.latenessMillis(), Math::max));
    return latest.entrySet().stream().map(e -> new long[] {e.getKey(), e.getValue()}).toList();
  }

  /** For each minute's burst: starts, misses, duplicates, p99 and the last start. */
  private List<Map<String, Object>> perMinute(FireRecords r) {
    Map<Long, List<FireRecords.Ran>> byFire = new TreeMap<>();
    r.runs().forEach(x -> byFire.computeIfAbsent(x.fireMillis(), k -> new ArrayList<>()).add(x));
    Map<Long, Long> duplicates = new TreeMap<>();
    r.executions()
        .forEach(
            (id, n) -> {
              if (n > 1) {
                duplicates.merge(RunId.parse(id).fireTime().toEpochMilli(), 1L, Long::sum);
              }
            });
    List<Map<String, Object>> minutes = new ArrayList<>();
    byFire.forEach(
        (fire, runs) -> {
          long[] late = runs.stream().mapToLong(FireRecords.Ran::latenessMillis).sorted().toArray();
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("fire", Instant.ofEpochMilli(fire).toString());
          m.put("started", (long) runs.size());
          m.put("misses", (long) settings.jobs() - runs.size());
          m.put("duplicates", duplicates.getOrDefault(fire, 0L));
          m.put("p50_ms", (long) Throughput.percentile(late, 0.5));
          m.put("p99_ms", (long) Throughput.percentile(late, 0.99));
          m.put("last_start_ms", late[late.length - 1]);
          minutes.add(m);
          out.printf(
              "burst at %s: %d started, last start %d ms after the fire, p99 %d ms%n",
              m.get("fire"), runs.size(), late[late.length - 1], m.get("p99_ms"));
        });
    return minutes;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
