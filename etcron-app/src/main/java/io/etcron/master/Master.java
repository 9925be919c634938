package io.etcron.master;

import io.etcd.jetcd.Client;
import io.etcron.job.JobStore;
import io.etcron.master.http.MasterServer;
import io.etcron.notify.Notifier;
import io.etcron.notify.NotifySettings;
import io.etcron.notify.Sources;
import io.etcron.run.RunStore;
import io.etcron.store.CachedJobStore;
import io.etcron.store.Keys;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master: the HTTP API and UI over etcd and the run store, plus the elected run sweeper.
 * Stateless: run as many as you like. Thread-safe; {@link #close()} stops it.
 */
public final class Master implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Master.class);

  private final CachedJobStore jobs;
  private final WorkerDirectory workers;
  private final RunSweeper sweeper;
  private final MasterServer http;
  private final String url;
  private final Optional<Notifier> notifier;

  private Master(
      CachedJobStore jobs,
      WorkerDirectory workers,
      RunSweeper sweeper,
      MasterServer http,
      String url,
      Optional<Notifier> notifier) {
    this.jobs = jobs;
    this.workers = workers;
    this.sweeper = sweeper;
    this.http = http;
    this.url = url;
    this.notifier = notifier;
  }

  /**
   * Starts a master. Returns once the HTTP server listens; etcd may still be unreachable (the API
   * answers 503 until it is).
   *
   * @throws IllegalArgumentException when the settings are invalid
   */
  public static Master start(
      MasterSettings settings, Client client, RunStore runs, Supplier<String> metrics) {
    return start(settings, client, runs, metrics, NotifySettings.DEFAULT);
  }

  /**
   * Starts a master that, while it leads the sweeper election, also sends the notifications of a
   * run store that keeps an outbox ({@link RunStore#outbox()}).
   *
   * @throws IllegalArgumentException when the settings are invalid
   */
  public static Master start(
      MasterSettings settings,
      Client client,
      RunStore runs,
      Supplier<String> metrics,
      NotifySettings notify) {
    settings.validate();
    Keys keys = Keys.of(settings.namespace());
    CachedJobStore jobs =
        CachedJobStore.start(client, keys, settings.requestTimeout(), settings.clock());
    WorkerDirectory workers = WorkerDirectory.start(client, keys, settings.requestTimeout());
    RunSweeper sweeper =
        new RunSweeper(
                client,
                settings.namespace(),
                runs,
                jobs,
                workers,
                settings.retention(),
                settings.clock(),
                owner())
            .start();
    MasterServer http;
    MasterServer.Endpoint at =
        new MasterServer.Endpoint(
            settings.host(), settings.port(), settings.tokens(), settings.tls(), settings.clock());
    try {
      http =
          MasterServer.start(
              at,
              new MasterServer.Backends(
                  jobs, runs, workers::list, readiness(client, keys), metrics));
    } catch (RuntimeException e) {
      sweeper.close();
      workers.close();
      jobs.close();
      throw e;
    }
    log.info(
        "master listening on {}{}",
        MasterServer.url(at, http.port()),
        settings
            .tls()
            .map(t -> " (HTTP/2 and HTTP/1.1, certificate " + t.subject() + ")")
            .orElse(""));
    String url = MasterServer.url(at, http.port());
    Optional<Notifier> notifier =
        runs.outbox()
            .map(
                outbox ->
                    Notifier.start(
                        new Sources(outbox, runs, jobs, settings.clock()),
                        notify,
                        url,
                        sweeper::isLeader));
    return new Master(jobs, workers, sweeper, http, url, notifier);
  }

  /** etcd answers a read within a second; the answer is kept for a second. */
  private static BooleanSupplier readiness(Client client, Keys keys) {
    AtomicLong okUntil = new AtomicLong();
    return () -> {
      long now = System.nanoTime();
      if (now - okUntil.get() < 0) {
        return true;
      }
      try {
        client.getKVClient().get(Keys.bytes(keys.jobs())).get(1, TimeUnit.SECONDS);
        okUntil.set(now + Duration.ofSeconds(1).toNanos());
        return true;
      } catch (Exception e) {
        return false;
      }
    };
  }

  private static String owner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "master";
    }
    return host + "/" + ManagementFactory.getRuntimeMXBean().getPid();
  }

  public int port() {
    return http.port();
  }

  /** Its base URL, e.g. {@code https://127.0.0.1:8443/}. */
  public String url() {
    return url;
  }

  public JobStore jobs() {
    return jobs;
  }

  public MasterServer http() {
    return http;
  }

  /** Whether this master runs the elected duties now. */
  public boolean leadsSweeper() {
    return sweeper.isLeader();
  }

  @Override
  public void close() {
    notifier.ifPresent(Notifier::close);
    http.close();
    sweeper.close();
    workers.close();
    jobs.close();
  }
}
