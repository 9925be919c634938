package io.etcron.bench;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.etcron.cli.DurationConverter;
import io.etcron.cli.EtcdOptions;
import io.etcron.cli.ExitCodes;
import io.etcron.etcd.EtcdCluster;
import io.etcron.json.Json;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.store.EtcdSettings;
import io.etcron.store.Keys;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code etcron bench ...}: benchmarks that print ratios against a reference measured alongside;
 * added to the product's command line by {@link BenchMain}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks; each starts its own local etcd unless --etcd names one, and ends with a line of JSON.",
    subcommands = {
      BenchCommand.LockBenchCommand.class,
      BenchCommand.FiresBenchCommand.class,
      BenchCommand.RunStoreBenchCommand.class,
      BenchCommand.ScaleBenchCommand.class
    })
final class BenchCommand {

  /** {@code etcron bench lock}. */
  @Command(
      name = "lock",
      mixinStandardHelpOptions = true,
      description = "Lock acquire + release cycles per second against raw etcd transactions.")
  static final class LockBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--duration",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description =
            "Measured time per scenario and concurrency, in alternating slices"
                + " (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
        names = "--slice",
        defaultValue = "1s",
        converter = DurationConverter.class,
        description =
            "Length of one slice; scenarios take turns slice by slice (default ${DEFAULT-VALUE}).")
    Duration slice;

    @Option(
        names = "--loops",
        split = ",",
        defaultValue = "1,16,64",
        description = "Concurrent loops (default ${DEFAULT-VALUE}).")
    List<Integer> loops;

    @Mixin EtcdOptions etcd;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalOrRemoteEtcd target = LocalOrRemoteEtcd.of(etcd, out);
          Client client = target.connect()) {
        new LockBench(client, duration, slice, out).run(loops);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code etcron bench fires}. */
  @Command(
      name = "fires",
      mixinStandardHelpOptions = true,
      description =
          "J jobs firing every second, run by W worker processes: throughput, duplicates, misses, lateness.")
  static final class FiresBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--jobs",
        defaultValue = "500",
        description = "Jobs, each firing every second (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(
        names = "--workers",
        split = ",",
        defaultValue = "3",
        description =
            "Worker processes (default ${DEFAULT-VALUE}); a list such as 1,2,3,4 runs the benchmark once per count, one after the other, and ends with a table of the workers' CPU per 1 000 fires.")
    List<Integer> workers;

    @Option(
        names = "--duration",
        defaultValue = "60s",
        converter = DurationConverter.class,
        description = "Measured window (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
        names = "--executor",
        defaultValue = "noop",
        description =
            "noop (in-process, measures scheduling), shell (runs `true`) or http (HTTP jobs calling a"
                + " local server in the benchmark's process) (default ${DEFAULT-VALUE}).")
    String executor;

    @Option(
        names = "--policy",
        defaultValue = "allow",
        description =
            "The jobs' concurrency policy: allow, forbid or replace (default ${DEFAULT-VALUE}).")
    String policy;

    @Option(
        names = "--db",
        paramLabel = "JDBC_URL|file",
        description =
            "The run store every run is written to: jdbc:postgresql://..., or file for the JSON-lines file store (default: an H2 file database in a temporary directory).")
    String db;

    @Option(
        names = "--burst",
        description =
            "Top-of-the-minute bursts: every job fires at second 0 of each minute (0 * * * * *); --duration is rounded down to whole minutes.")
    boolean burst;

    @Mixin EtcdOptions etcd;

    @Override
    public Integer call() throws Exception {
      if (db != null && !db.equals("file") && !db.startsWith("jdbc:")) {
        throw new IllegalArgumentException(
            "--db must be a jdbc:postgresql:// or jdbc:h2: URL, or file");
      }
      if (!List.of("noop", "shell", "http").contains(executor)) {
        throw new IllegalArgumentException("--executor must be noop, shell or http");
      }
      if (workers.isEmpty() || workers.stream().anyMatch(w -> w < 1)) {
        throw new IllegalArgumentException("--workers must be counts of at least 1");
      }
      PrintWriter out = spec.commandLine().getOut();
      List<Map<String, Object>> reports = new ArrayList<>();
      try (LocalOrRemoteEtcd target = LocalOrRemoteEtcd.of(etcd, out);
          Client client = target.connect()) {
        for (int w : workers) {
          if (!reports.isEmpty()) {
            // Each count starts from no jobs, cursors or registrations of the one before.
            client
                .getKVClient()
                .delete(Keys.bytes("/etcron/"), DeleteOption.builder().isPrefix(true).build())
                .get(30, TimeUnit.SECONDS);
          }
          reports.add(
              new FiresBench(
                      client,
                      target.endpoints(),
                      new FiresBench.Settings(
                          jobs,
                          w,
                          duration,
                          executor,
                          policy,
                          Duration.ofSeconds(20),
                          Optional.ofNullable(db),
                          burst),
                      out)
                  .run());
        }
      }
      if (reports.size() > 1) {
        printScaling(out, reports);
      }
      return ExitCodes.OK;
    }
  }

  /** The table of a run over several worker counts: each worker's CPU per 1 000 fires. */
  static void printScaling(PrintWriter out, List<Map<String, Object>> reports) {
    double first = ((Number) reports.get(0).get("cpu_s_per_1000_fires_per_worker")).doubleValue();
    int firstWorkers = ((Number) reports.get(0).get("workers")).intValue();
    out.println();
    out.printf(
        "%-8s %10s %8s %12s %28s %14s%n",
        "workers", "fires/s", "misses", "p99 ms", "CPU-s/1000 fires/worker", "vs first");
    Map<String, Object> summary = new LinkedHashMap<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> r : reports) {
      double cpu = ((Number) r.get("cpu_s_per_1000_fires_per_worker")).doubleValue();
      out.printf(
          "%-8s %10s %8s %12s %28.3f %14.2f%n",
          r.get("workers"),
          r.get("fires_per_s"),
          r.get("misses"),
          r.get("lateness_p99_ms"),
          cpu,
          cpu / first);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("workers", r.get("workers"));
      row.put("cpu_s_per_1000_fires_per_worker", cpu);
      row.put("vs_first", Math.round(cpu / first * 100) / 100.0);
      row.put(
          "two_over_w_vs_first",
          Math.round(
                  (Math.min(2.0, ((Number) r.get("workers")).doubleValue())
                          / ((Number) r.get("workers")).doubleValue())
                      / (Math.min(2.0, firstWorkers) / firstWorkers)
                      * 100)
              / 100.0);
      rows.add(row);
    }
    summary.put("benchmark", "fires-scaling");
    summary.put("rows", rows);
    out.println(Json.write(summary));
    out.flush();
  }

  /** {@code etcron bench runstore}. */
  @Command(
      name = "runstore",
      mixinStandardHelpOptions = true,
      description =
          "The run store's listing queries over N generated runs, against SELECT 1 in the same run.")
  static final class RunStoreBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--rows",
        defaultValue = "1000000",
        description = "Runs to generate (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(
        names = "--repetitions",
        defaultValue = "50",
        description = "Times each query runs (default ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(
        names = "--write-rows",
        defaultValue = "50000",
        description =
            "Runs written first through the store's batched upsert and, as the reference, a plain INSERT loop (default ${DEFAULT-VALUE}; 0: skip).")
    int writeRows;

    @Option(
        names = "--batch",
        defaultValue = "500",
        description = "Runs per upsert batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
        names = "--db",
        paramLabel = "JDBC_URL",
        description =
            "An EMPTY database to fill, e.g. jdbc:postgresql://127.0.0.1:5432/bench?user=postgres (default: a temporary H2 file).")
    String db;

    @Override
    public Integer call() throws Exception {
      String url =
          db != null ? db : RunStores.h2Url(Files.createTempDirectory("etcron-bench-runstore"));
      try (SqlRunStore store = RunStores.open(url)) {
        new RunStoreBench(store, spec.commandLine().getOut())
            .run(rows, repetitions, writeRows, batch);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code etcron bench scale}. */
  @Command(
      name = "scale",
      mixinStandardHelpOptions = true,
      description =
          "N jobs: a worker's time to ready, heap after GC and idle CPU, and the jobs API's first page, beside a raw paged read of the same keys.")
  static final class ScaleBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--jobs",
        defaultValue = "100000",
        description = "Jobs to create (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(
        names = "--worker-heap",
        defaultValue = "256m",
        description = "The worker JVM's -Xmx (default ${DEFAULT-VALUE}).")
    String workerHeap;

    @Option(
        names = "--idle",
        defaultValue = "30s",
        converter = DurationConverter.class,
        description = "How long the idle worker's CPU is measured (default ${DEFAULT-VALUE}).")
    Duration idle;

    @Option(
        names = "--requests",
        defaultValue = "200",
        description = "First-page requests timed (default ${DEFAULT-VALUE}).")
    int requests;

    @Mixin EtcdOptions etcd;

    @Override
    public Integer call() throws Exception {
      if (jobs < 1 || requests < 1) {
        throw new IllegalArgumentException("--jobs and --requests must be at least 1");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (LocalOrRemoteEtcd target = LocalOrRemoteEtcd.of(etcd, out);
          Client client = target.connect()) {
        new ScaleBench(
                client,
                target.endpoints(),
                new ScaleBench.Settings(jobs, workerHeap, idle, requests),
                out)
            .run();
      }
      return ExitCodes.OK;
    }
  }

  /** The etcd named by --etcd, or a fresh local one started for the benchmark. */
  static final class LocalOrRemoteEtcd implements AutoCloseable {
    private final EtcdCluster local;
    private final EtcdOptions options;

    private LocalOrRemoteEtcd(EtcdCluster local, EtcdOptions options) {
      this.local = local;
      this.options = options;
    }

    static LocalOrRemoteEtcd of(EtcdOptions options, PrintWriter out) {
      if (options.explicit()) {
        return new LocalOrRemoteEtcd(null, options);
      }
      EtcdCluster local = EtcdCluster.builder().maxTxnOps(1024).start();
      out.println("started a local etcd at " + local.endpoints() + " for the benchmark");
      return new LocalOrRemoteEtcd(local, options);
    }

    String endpoints() {
      return local != null ? local.endpoints() : options.endpoints();
    }

    Client connect() {
      return local != null
          ? EtcdSettings.of(local.endpoints()).connect()
          : options.settings().connect();
    }

    @Override
    public void close() {
      if (local != null) {
        local.close();
      }
    }
  }
}
