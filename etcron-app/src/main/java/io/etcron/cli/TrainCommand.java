package io.etcron.cli;

import io.etcd.jetcd.Client;
import io.etcron.etcd.EtcdBinary;
import io.etcron.etcd.EtcdCluster;
import io.etcron.etcd.LoopbackPorts;
import io.etcron.job.Job;
import io.etcron.job.JobSpec;
import io.etcron.job.JobStore;
import io.etcron.json.Json;
import io.etcron.master.Master;
import io.etcron.master.MasterSettings;
import io.etcron.notify.NotifySettings;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.run.Trigger;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.store.EtcdJobStore;
import io.etcron.store.EtcdSettings;
import io.etcron.store.Keys;
import io.etcron.worker.WorkerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * {@code etcron train-class-archive}: runs what a server's start runs (job decoding and schedules,
 * the run store's migrations and writes, the etcd client, metrics; and, where etcd is installed, a
 * short standalone: a local etcd, a master and a worker firing jobs), so that a JVM started with
 * {@code -XX:ArchiveClassesAtExit} archives the classes they load. The launcher does this once per
 * build; later starts map the archive instead of loading and verifying those classes one by one (a
 * worker holding 100 000 jobs is ready seconds sooner). Hidden: not for people.
 */
@Command(name = "train-class-archive", hidden = true)
final class TrainCommand implements Callable<Integer> {
  private static final String[] SPECS = {
    "{\"name\":\"daily-report\",\"schedule\":\"0 30 2 * * *\",\"command\":\"echo report\","
        + "\"description\":\"a daily report\",\"tags\":[\"reports\"],\"timeout\":\"10m\","
        + "\"retries\":2,\"retryBackoff\":\"30s\",\"timeZone\":\"Europe/Paris\"}",
    "{\"name\":\"every-second\",\"schedule\":\"@every 1s\",\"command\":\"true\","
        + "\"concurrency\":\"forbid\"}",
    "{\"name\":\"ping\",\"schedule\":\"*/5 * * * * *\","
        + "\"http\":{\"method\":\"POST\",\"url\":\"http://127.0.0.1:9/hook\",\"body\":\"{}\"}}",
  };

  @Override
  public Integer call() throws Exception {
    LoggerFactory.getLogger(TrainCommand.class).debug("training the class archive");
    Instant now = Instant.now();
    for (String json : SPECS) {
      Job job = EtcdJobStore.decode(json.getBytes(StandardCharsets.UTF_8), 0).job();
      job.schedule().next(now, job.timeZone());
      job.schedule().previous(now, job.timeZone());
      Json.write(job.toSpec());
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new WorkerMetrics(registry);
    registry.scrape();

    Path dir = Files.createTempDirectory("etcron-train");
    try (SqlRunStore store = RunStores.open(RunStores.h2Url(dir))) {
      RunId id = new RunId("daily-report", now, Trigger.SCHEDULE);
      Run running = Run.running(id, "train", 1, 1, now);
      store.upsertAll(List.of(running));
      store.upsertAll(
          List.of(
              running.finished(
                  RunState.SUCCEEDED, Optional.of(0), Optional.empty(), "", "", 0, now)));
      store.query(RunQuery.all());
      store.stats(List.of("daily-report"), now.minusSeconds(86_400));
      store.recent(List.of("daily-report"), 20);
    } finally {
      delete(dir);
    }

    // The etcd client's classes, as far as a refused connection goes.
    try (Client client = EtcdSettings.of("http://127.0.0.1:" + LoopbackPorts.free()).connect()) {
      client
          .getKVClient()
          .get(Keys.bytes(Keys.of(EtcdSettings.DEFAULT_NAMESPACE).jobs()))
          .get(2, TimeUnit.SECONDS);
    } catch (Exception expected) {
      // nobody listens there
    }
    if (EtcdBinary.isInstalled()) {
      withEtcd();
    }
    return ExitCodes.OK;
  }

  /**
   * What a standalone runs, shortly: a local etcd, a master and a worker, jobs written and fired,
   * runs recorded and listed through the API; in a directory removed after.
   */
  private static void withEtcd() throws Exception {
    Path dir = Files.createTempDirectory("etcron-train");
    Shutdown shutdown = new Shutdown();
    try {
      EtcdCluster local =
          shutdown.add(
              EtcdCluster.builder()
                  .dataDir(dir.resolve("etcd"))
                  .startTimeout(Duration.ofSeconds(30))
                  .start());
      EtcdSettings etcd = EtcdSettings.of(local.endpoints());
      ServerOptions server = new ServerOptions();
      server.data = dir;
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Master master =
          MasterCommand.start(
              shutdown,
              server,
              MasterSettings.local(LoopbackPorts.free()).withEtcd(etcd),
              NotifySettings.DEFAULT,
              registry);
      for (String json : SPECS) {
        master
            .jobs()
            .put(
                Job.from(Json.read(json.getBytes(), JobSpec.class), Instant.now()),
                JobStore.ANY_VERSION,
                "train");
      }
      WorkerCommand options = new WorkerCommand();
      options.executor = "noop";
      options.capacity = 16;
      options.ttl = Duration.ofSeconds(10);
      options.drainTimeout = Duration.ofSeconds(5);
      WorkerCommand.start(shutdown, etcd, server, options, registry);
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest runs =
          HttpRequest.newBuilder(URI.create(master.url() + "api/v1/runs?job=every-second")).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      // A few fires of the job firing every second, recorded and read back (bounded).
      while (System.nanoTime() < deadline
          && !http.send(runs, HttpResponse.BodyHandlers.ofString()).body().contains("SUCCEEDED")) {
        TimeUnit.MILLISECONDS.sleep(200); // polling the API, as a user's page would
      }
      http.send(
          HttpRequest.newBuilder(URI.create(master.url() + "api/v1/jobs")).build(),
          HttpResponse.BodyHandlers.ofString());
    } finally {
      shutdown.closeAll();
      delete(dir);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
