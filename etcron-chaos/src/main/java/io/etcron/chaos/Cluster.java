package io.etcron.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcron.etcd.EtcdCluster;
import io.etcron.etcd.EtcdMember;
import io.etcron.etcd.LoopbackPorts;
import io.etcron.testing.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of a chaos run on 127.0.0.1: a 3-member etcd, PostgreSQL, two masters and three
 * workers started from the product's jar, and the harness's own etcd client. {@link #close()} stops
 * everything it started, by pid. Not thread-safe: one thread drives it.
 */
final class Cluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Cluster.class);
  static final String NAMESPACE = "/etcron/";
  private static final Duration READY = Duration.ofSeconds(90);
  private static final List<String> JVM =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final EtcdCluster etcd;
  final PostgresServer postgres;
  final String jdbcUrl;
  final Client client;
  final List<Node> masters = new ArrayList<>();
  final List<Integer> masterPorts = new ArrayList<>();
  final List<Node> workers = new ArrayList<>();
  private final List<String> unexpectedExits = new ArrayList<>();
  private volatile boolean closed;

  private Cluster(EtcdCluster etcd, PostgresServer postgres, String jdbcUrl, Client client) {
    this.etcd = etcd;
    this.postgres = postgres;
    this.jdbcUrl = jdbcUrl;
    this.client = client;
  }

  /** Starts etcd and PostgreSQL, and connects the harness's client (no etcron process yet). */
  static Cluster startStores(ChaosSettings s) {
    EtcdCluster etcd =
        EtcdCluster.builder()
            .members(3)
            .dataDir(s.dir().resolve("etcd"))
            // Elections in half a second: a frozen or killed leader is replaced within the fault.
            .arg("--heartbeat-interval=50")
            .arg("--election-timeout=500")
            .start();
    try {
      PostgresServer pg = PostgresServer.shared();
      String url = pg.newDatabase("chaos");
      Client client = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build();
      return new Cluster(etcd, pg, url, client);
    } catch (RuntimeException e) {
      etcd.close();
      throw e;
    }
  }

  /** Starts the masters and workers and waits until they are ready. */
  void startNodes(ChaosSettings s) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path logs = s.dir().resolve("logs");
    for (int i = 1; i <= 2; i++) {
      int port = LoopbackPorts.free();
      List<String> args =
          List.of(
              "master",
              "--port",
              "" + port,
              "--etcd",
              etcd.endpoints(),
              "--db",
              jdbcUrl,
              "--data",
              s.dir().resolve("m" + i).toString());
      masters.add(new Node("m" + i, java, s.jar(), JVM, args, logs));
      masterPorts.add(port);
    }
    for (int i = 1; i <= 3; i++) {
      List<String> args =
          List.of(
              "worker",
              "--id",
              "w" + i,
              "--etcd",
              etcd.endpoints(),
              "--db",
              jdbcUrl,
              "--data",
              s.dir().resolve("w" + i).toString(),
              "--ttl",
              s.ttl().toSeconds() + "s",
              "--drain-timeout",
              "3s",
              "--capacity",
              "32");
      workers.add(new Node("w" + i, java, s.jar(), JVM, args, logs));
    }
    // One after the other: five JVMs starting at once on two cores can starve a keep-alive.
    long deadline = System.nanoTime() + READY.toNanos();
    for (int i = 0; i < masters.size(); i++) {
      masters.get(i).start();
      while (!ready(masterPorts.get(i))) {
        pause(deadline, "master " + masters.get(i) + " ready");
      }
    }
    for (int i = 0; i < workers.size(); i++) {
      workers.get(i).start();
      while (registeredWorkers() < i + 1) {
        pause(deadline, "worker " + workers.get(i) + " registered");
      }
    }
    Thread monitor = new Thread(this::monitor, "chaos-node-monitor");
    monitor.setDaemon(true);
    monitor.start();
  }

  /**
   * A node that exits on its own is a finding (the product should ride out every fault): it is
   * recorded and started again, as a service manager would.
   */
  private void monitor() {
    while (!closed) {
      List<Node> all = new ArrayList<>(masters);
      all.addAll(workers);
      for (Node n : all) {
        Optional<Integer> code = n.reapUnexpectedExit();
        if (code.isPresent() && !closed) {
          String what = n.name() + " exited with " + code.get() + " at " + Instant.now();
          log.warn("{}; starting it again", what);
          synchronized (unexpectedExits) {
            unexpectedExits.add(what);
          }
          n.start();
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The nodes that exited on their own, with exit code and time. */
  List<String> unexpectedExits() {
    synchronized (unexpectedExits) {
      return List.copyOf(unexpectedExits);
    }
  }

  /** Creates (or replaces) a job through a master's REST API, trying each master. */
  void putJob(String name, Map<String, Object> spec) {
    String body;
    try {
      body = JSON.writeValueAsString(spec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String last = "";
    for (int round = 0; round < 5; round++) {
      for (int port : masterPorts) {
        try {
          HttpRequest put =
              HttpRequest.newBuilder(URI.create(url(port) + "/api/v1/jobs/" + name))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                  .build();
          HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200 || r.statusCode() == 201) {
            return;
          }
          last = "HTTP " + r.statusCode() + ": " + r.body();
          if (r.statusCode() == 400) {
            throw new IllegalStateException("the master refused job " + name + ": " + last);
          }
        } catch (IOException e) {
          last = e.toString();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while creating job " + name, e);
        }
      }
    }
    throw new IllegalStateException("no master accepted job " + name + ": " + last);
  }

  /** The member that currently leads, if any member answers. */
  Optional<EtcdMember> leader() {
    for (EtcdMember m : etcd.members()) {
      if (!m.isRunning()) {
        continue;
      }
      try {
        StatusResponse s =
            client.getMaintenanceClient().statusMember(m.clientUrl()).get(2, TimeUnit.SECONDS);
        if (s.getLeader() == s.getHeader().getMemberId()) {
          return Optional.of(m);
        }
      } catch (Exception e) {
        // this member does not answer; ask the next
      }
    }
    return Optional.empty();
  }

  private boolean ready(int port) {
    try {
      HttpRequest get =
          HttpRequest.newBuilder(URI.create(url(port) + "/readyz"))
              .timeout(Duration.ofSeconds(2))
              .build();
      return http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private long registeredWorkers() {
    ByteSequence prefix = ByteSequence.from(NAMESPACE + "workers/", StandardCharsets.UTF_8);
    try {
      return client
          .getKVClient()
          .get(prefix, GetOption.builder().isPrefix(true).withCountOnly(true).build())
          .get(2, TimeUnit.SECONDS)
          .getCount();
    } catch (Exception e) {
      return 0;
    }
  }

  private static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  private static void pause(long deadline, String what) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("not ready within " + READY + ": " + what);
    }
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }

  /** Stops the workers, the masters, etcd, and PostgreSQL's database server if it was stopped. */
  @Override
  public void close() {
    closed = true;
    for (Node n : workers) {
      quietly(() -> n.stop(Duration.ofSeconds(8)), n.name());
    }
    for (Node n : masters) {
      quietly(() -> n.stop(Duration.ofSeconds(8)), n.name());
    }
    quietly(client::close, "etcd client");
    quietly(etcd::close, "etcd");
    // The members' logs stay; their data (64 MB of preallocated WAL each) goes.
    for (EtcdMember m : etcd.members()) {
      quietly(() -> deleteRecursively(m.dataDir()), m.name() + "'s data");
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private static void quietly(Runnable r, String what) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("could not stop {}", what, e);
    }
  }
}
