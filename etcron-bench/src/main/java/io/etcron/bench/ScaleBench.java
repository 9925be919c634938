package io.etcron.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.Client;
import io.etcron.etcd.LoopbackPorts;
import io.etcron.runlog.RunStores;
import io.etcron.store.Keys;
import io.etcron.store.PagedRange;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The job-count scale of one worker and the master: N jobs in etcd, then the time a worker takes to
 * be ready after its start, its heap after a full GC (with the classes that hold it), its CPU while
 * idle (in a window just after its start, then in the next one), and the latency of the jobs API's
 * first page; beside a raw paged range read of the same keys in the same run. Blocking; starts and
 * stops its own processes.
 */
public final class ScaleBench {
  /**
   * What to run.
   *
   * @param jobs jobs to create
   * @param workerHeap the worker JVM's {@code -Xmx}, e.g. {@code 256m}
   * @param idle how long idle CPU is measured
   * @param requests first-page requests to time
   */
  public record Settings(int jobs, String workerHeap, Duration idle, int requests) {}

  private static final String FILLER =
      "a daily report job that exports yesterday's figures and mails them to the team";

  private final Client client;
  private final String endpoints;
  private final Settings settings;
  private final PrintWriter out;

  public ScaleBench(Client client, String endpoints, Settings settings, PrintWriter out) {
    this.client = client;
    this.endpoints = endpoints;
    this.settings = settings;
    this.out = out;
  }

  public Map<String, Object> run() throws Exception {
    Path dir = Files.createTempDirectory("etcron-bench-scale");
    long t0 = System.nanoTime();
    BenchJobs.create(
        client,
        Keys.of("/etcron/"),
        settings.jobs(),
        i ->
            BenchJobs.spec(
                String.format("j%06d", i),
                "0 " + (i % 60) + " " + (i / 60 % 24) + " * * *",
                null,
                FILLER));
    out.printf("%d jobs created in %.1f s%n", settings.jobs(), seconds(t0));
    t0 = System.nanoTime();
    PagedRange.Listing raw =
        PagedRange.of(client.getKVClient(), Duration.ofSeconds(10))
            .forEachPage("/etcron/jobs/", p -> {});
    double rawRead = seconds(t0);
    out.printf(
        "raw paged range read: %d keys in %d pages, %.2f s%n", raw.keys(), raw.pages(), rawRead);
    out.flush();

    String db = RunStores.h2Url(dir.resolve("h2"));
    int port = LoopbackPorts.free();
    List<Process> started = new ArrayList<>();
    Map<String, Object> json = new LinkedHashMap<>();
    try {
      Process master =
          start(dir, "master", "1g", List.of("master", "--port", "" + port), db, started);
      // A worker joins a running cluster: its start is timed alone, not beside the master's.
      awaitLine(dir.resolve("master.log"), "master listening", master, Duration.ofMinutes(1));
      long workerStart = System.nanoTime();
      Process worker =
          start(
              dir,
              "worker",
              settings.workerHeap(),
              List.of("worker", "--id", "scale-w0", "--executor", "noop"),
              db,
              started);
      awaitLine(dir.resolve("worker.log"), "started:", worker, Duration.ofMinutes(3));
      double ready = seconds(workerStart);
      out.printf("worker ready %.2f s after its start (-Xmx%s)%n", ready, settings.workerHeap());
      Thread.sleep(5_000); // the first GCs after the start
      // Two windows one after the other: the first still compiles what the start ran hot (the
      // JIT's threads are most of it), the second is the worker as it stays.
      double afterStart = idleCpuPercent(worker.pid(), settings.idle());
      out.printf(
          "worker idle CPU over %s after its start: %.2f %% of a core%n",
          settings.idle(), afterStart);
      double idle = idleCpuPercent(worker.pid(), settings.idle());
      out.printf("worker idle CPU over the next %s: %.2f %% of a core%n", settings.idle(), idle);
      Histogram heap = Histogram.of(worker.pid());
      out.printf("worker heap after a full GC: %.1f MB; largest classes:%n", heap.totalMb());
      heap.top().forEach(l -> out.println("  " + l));
      long[] pages = firstPages(port);
      json.put("benchmark", "scale");
      json.put("jobs", settings.jobs());
      json.put("worker_xmx", settings.workerHeap());
      json.put("ready_s", round(ready));
      json.put("heap_after_gc_mb", round(heap.totalMb()));
      json.put("idle_cpu_pct_of_core", round(idle));
      json.put("idle_cpu_after_start_pct_of_core", round(afterStart));
      json.put("jobs_first_page_p50_ms", round(Throughput.percentile(pages, 0.5) / 1e6));
      json.put("jobs_first_page_p99_ms", round(Throughput.percentile(pages, 0.99) / 1e6));
      json.put("raw_range_read_s", round(rawRead));
      json.put("raw_range_pages", raw.pages());
    } finally {
      for (Process p : started) {
        p.destroy();
      }
      for (Process p : started) {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    out.println(new ObjectMapper().writeValueAsString(json));
    out.flush();
    return json;
  }

  private Process start(
      Path dir, String name, String heap, List<String> args, String db, List<Process> started)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            BenchJvm.command(
                List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
                "io.etcron.cli.Main"));
    cmd.addAll(args);
    cmd.addAll(List.of("--etcd", endpoints, "--db", db));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile())
            .start();
    started.add(p);
    return p;
  }

  /** Waits for {@code text} in a process's log, polling it (the log is a file). */
  private static void awaitLine(Path log, String text, Process p, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        String tail = Files.readString(log, StandardCharsets.UTF_8);
        throw new IllegalStateException(
            "no \""
                + text
                + "\" in "
                + log
                + (p.isAlive() ? " in time" : ": the process exited")
                + "; its log ends with:\n"
                + tail.substring(Math.max(0, tail.length() - 2000)));
      }
      Thread.sleep(50); // polling a log file: 50 ms is the resolution of ready_s
    }
  }

  /** CPU time (user + system) the process used over {@code window}, in % of one core. */
  private static double idleCpuPercent(long pid, Duration window) throws Exception {
    long before = cpuTicks(pid);
    long t0 = System.nanoTime();
    Thread.sleep(window.toMillis()); // the measured window
    long ticks = cpuTicks(pid) - before;
    double wall = (System.nanoTime() - t0) / 1e9;
    return ticks / 100.0 / wall * 100; // Linux USER_HZ is 100
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
  }

  /** Times {@code GET /api/v1/jobs?limit=50} (the first page) after a few warm-up calls. */
  private long[] firstPages(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs?limit=50"))
            .timeout(Duration.ofSeconds(60))
            .build();
    long[] times = new long[settings.requests()];
    HttpResponse<byte[]> last = null;
    int timed = 0;
    // Bounded: at most the requests asked for, and no more than two minutes of them.
    long budget = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    for (int i = -3; i < settings.requests() && System.nanoTime() < budget; i++) {
      long t0 = System.nanoTime();
      last = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (i >= 0) {
        times[timed++] = System.nanoTime() - t0;
      }
    }
    times = Arrays.copyOf(times, Math.max(1, timed));
    Arrays.sort(times);
    out.printf(
        "jobs API first page (%d requests): HTTP %d, %d bytes, p50 %.1f ms, p99 %.1f ms%n",
        timed,
        last.statusCode(),
        last.body().length,
        Throughput.percentile(times, 0.5) / 1e6,
        Throughput.percentile(times, 0.99) / 1e6);
    return times;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
