package io.etcron.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.Client;
import io.etcron.job.Job;
import io.etcron.job.JobSpec;
import io.etcron.job.JobStore;
import io.etcron.json.Json;
import io.etcron.store.EtcdJobStore;
import io.etcron.store.Keys;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * J jobs firing every second, run by W worker processes against one etcd for D seconds: fires per
 * second achieved, duplicates, misses, lateness, per-worker balance and etcd Raft proposals per
 * fire, beside the raw transaction rate of the same client measured in the same run.
 */
public final class FiresBench {
  /** What to run. */
  public record Settings(
      int jobs, int workers, Duration duration, String executor, String policy, Duration warmUp) {}

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
    createJobs();
    out.printf(
        "%d jobs created; starting %d workers (%s executor)%n",
        settings.jobs(), settings.workers(), settings.executor());
    out.flush();
    List<Process> workers = startWorkers(dir);
    Instant from;
    Instant to;
    double proposalsBefore;
    double proposalsAfter;
    try {
      Thread.sleep(settings.warmUp().toMillis()); // warm-up: workers connect, load jobs, JIT
      from = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
      proposalsBefore = proposals();
      Thread.sleep(settings.duration().toMillis()); // the measured window itself
      to = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      proposalsAfter = proposals();
      Thread.sleep(3000); // the fires of the window's last seconds finish
    } finally {
      for (Process p : workers) {
        p.destroy(); // SIGTERM: the worker drains and flushes its records
      }
      for (Process p : workers) {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    Map<String, Object> report =
        report(analyse(dir, from, to), raw, proposalsAfter - proposalsBefore, from, to);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    return report;
  }

  private void createJobs() throws Exception {
    JobStore store =
        new EtcdJobStore(client, Keys.of("/etcron/"), Duration.ofSeconds(10), Clock.systemUTC());
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < settings.jobs(); i++) {
      String name = "bench-" + i;
      done.add(
          pool.submit(
              () ->
                  store.put(
                      Job.from(
                          new JobSpec(
                              name,
                              null,
                              "true",
                              null,
                              null,
                              "@every 1s",
                              null,
                              settings.policy(),
                              null,
                              null,
                              null,
                              null,
                              null,
                              null,
                              null,
                              null),
                          Instant.now()),
                      JobStore.ANY_VERSION,
                      "bench")));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  private List<Process> startWorkers(Path dir) throws IOException, InterruptedException {
    List<Process> workers = new ArrayList<>();
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int i = 0; i < settings.workers(); i++) {
      // C1 only and the serial collector: on a small machine the JIT and GC threads of several
      // worker JVMs would otherwise take the CPU the workers need while they warm up.
      List<String> cmd =
          List.of(
              java,
              "-Xmx1g",
              "-XX:TieredStopAtLevel=1",
              "-XX:+UseSerialGC",
              "-cp",
              System.getProperty("java.class.path"),
              "io.etcron.cli.Main",
              "worker",
              "--id",
              "bench-w" + i,
              "--etcd",
              endpoints,
              "--db",
              "jsonl:" + dir.resolve("w" + i + ".jsonl"),
              "--executor",
              settings.executor(),
              "--capacity",
              "10000",
              "--drain-timeout",
              "5s");
      workers.add(
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("w" + i + ".log").toFile())
              .start());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (registered() < settings.workers()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("workers did not register within 60 s; see " + dir);
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

  /** What the workers recorded, for fires in [from, to). */
  record Analysis(
      long expected,
      long ran,
      long duplicates,
      long missed,
      long[] lateness,
      Map<String, Long> perWorker) {}

  private Analysis analyse(Path dir, Instant from, Instant to) throws IOException {
    Map<String, Integer> executions = new HashMap<>();
    Map<String, Long> latenessById = new HashMap<>();
    Map<String, Long> perWorker = new LinkedHashMap<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          JsonLinesRunStore.Line l = Json.read(line, JsonLinesRunStore.Line.class);
          if (!l.state().equals("SUCCEEDED")
              || l.fireTime().isBefore(from)
              || !l.fireTime().isBefore(to)) {
            continue;
          }
          executions.merge(l.id(), 1, Integer::sum);
          latenessById.put(l.id(), Duration.between(l.fireTime(), l.startedAt()).toMillis());
          perWorker.merge(l.worker(), 1L, Long::sum);
        }
      }
    }
    long seconds = Duration.between(from, to).toSeconds();
    long expected = seconds * settings.jobs();
    long duplicates = executions.values().stream().filter(n -> n > 1).count();
    long[] lateness = latenessById.values().stream().mapToLong(Long::longValue).sorted().toArray();
    return new Analysis(
        expected, executions.size(), duplicates, expected - executions.size(), lateness, perWorker);
  }

  private Map<String, Object> report(
      Analysis a, Throughput.Result raw, double proposals, Instant from, Instant to)
      throws Exception {
    double seconds = Duration.between(from, to).toSeconds();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "fires");
    json.put("jobs", settings.jobs());
    json.put("workers", settings.workers());
    json.put("executor", settings.executor());
    json.put("policy", settings.policy());
    json.put("window_s", seconds);
    json.put("fires_expected", a.expected());
    json.put("fires_run", a.ran());
    json.put("fires_per_s", round(a.ran() / seconds));
    json.put("duplicates", a.duplicates());
    json.put("misses", a.missed());
    json.put("lateness_p50_ms", Throughput.percentile(a.lateness(), 0.50));
    json.put("lateness_p99_ms", Throughput.percentile(a.lateness(), 0.99));
    json.put(
        "lateness_max_ms", a.lateness().length == 0 ? 0 : a.lateness()[a.lateness().length - 1]);
    json.put("per_worker", a.perWorker());
    json.put("etcd_proposals_per_fire", round(proposals / Math.max(1, a.ran())));
    json.put("raw_txn_pairs_per_s", round(raw.perSecond()));
    json.put("fires_per_s_vs_raw_txn_pairs_per_s", round(a.ran() / seconds / raw.perSecond()));
    out.printf("%-28s %s%n", "fires expected / run", a.expected() + " / " + a.ran());
    out.printf(
        "%-28s %.0f/s (raw etcd txn+delete pairs: %.0f/s, ratio %.2f)%n",
        "fires run", a.ran() / seconds, raw.perSecond(), a.ran() / seconds / raw.perSecond());
    out.printf("%-28s %d%n", "duplicates", a.duplicates());
    out.printf("%-28s %d%n", "misses", a.missed());
    out.printf(
        "%-28s p50 %s ms, p99 %s ms, max %s ms%n",
        "lateness (start - fire time)",
        json.get("lateness_p50_ms"),
        json.get("lateness_p99_ms"),
        json.get("lateness_max_ms"));
    out.printf("%-28s %s%n", "per worker", a.perWorker());
    out.printf("%-28s %.2f%n", "etcd proposals per fire", proposals / Math.max(1, a.ran()));
    out.println(new ObjectMapper().writeValueAsString(json));
    out.flush();
    return json;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
