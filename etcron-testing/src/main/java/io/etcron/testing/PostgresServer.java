package io.etcron.testing;

import io.etcron.etcd.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's {@code postgresql} package) on a free 127.0.0.1 port with a
 * temporary data directory, shared by every test of the JVM and stopped when the JVM exits.
 *
 * <p>Run as root, the server runs as the {@code postgres} user. Each {@link #newDatabase(String)}
 * is a fresh, empty database. Thread-safe.
 */
public final class PostgresServer {
  private static PostgresServer shared;
  private static final AtomicInteger databases = new AtomicInteger();

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean root;

  private PostgresServer(Path bin, Path dir, int port, boolean root) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.root = root;
  }

  /** The server shared by this JVM, started on first use. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = start();
      PostgresServer server = shared;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.stop();
                    deleteQuietly(server.dir);
                  },
                  "etcron-postgres-stop"));
    }
    return shared;
  }

  /** Whether PostgreSQL's server binaries are installed. */
  public static boolean isInstalled() {
    return findBin() != null;
  }

  /** The JDBC URL of a new, empty database whose name starts with {@code prefix}. */
  public String newDatabase(String prefix) {
    String name =
        prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + databases.incrementAndGet();
    run(
        List.of(
            bin.resolve("createdb").toString(),
            "-h",
            "127.0.0.1",
            "-p",
            "" + port,
            "-U",
            "postgres",
            name));
    return jdbcUrl(name);
  }

  /** The JDBC URL of database {@code name} (user {@code postgres}, no password). */
  public String jdbcUrl(String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=postgres";
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** Stops the server (fast shutdown); it can be started again with {@link #restart()}. */
  public void stop() {
    List<String> stop = new ArrayList<>(asPostgres(root));
    stop.addAll(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-m",
            "fast",
            "-w",
            "stop"));
    run(stop);
  }

  /** Starts the server again after {@link #stop()}, on the same port and data. */
  public void restart() {
    pgCtlStart(bin, dir, port, root);
  }

  private static PostgresServer start() {
    Path bin = findBin();
    if (bin == null) {
      throw new IllegalStateException(
          "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin."
              + " Install them with `sudo apt-get install -y postgresql`.");
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory(Path.of("/tmp"), "etcron-pg-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (root) {
        run(List.of("chown", "postgres:postgres", dir.toString()));
      }
      List<String> initdb = new ArrayList<>(asPostgres(root));
      initdb.addAll(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-U",
              "postgres",
              "--auth=trust",
              "-E",
              "UTF8",
              "--locale=C.UTF-8"));
      run(initdb);
      int port = LoopbackPorts.free();
      pgCtlStart(bin, dir, port, root);
      PostgresServer server = new PostgresServer(bin, dir, port, root);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a PostgreSQL data directory", e);
    }
  }

  private static void pgCtlStart(Path bin, Path dir, int port, boolean root) {
    List<String> start = new ArrayList<>(asPostgres(root));
    start.addAll(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-l",
            dir.resolve("server.log").toString(),
            "-o",
            "-p "
                + port
                + " -k "
                + dir
                + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c max_connections=200",
            "-w",
            "start"));
    run(start);
  }

  private static List<String> asPostgres(boolean root) {
    return root ? List.of("runuser", "-u", "postgres", "--") : List.of();
  }

  private static Path findBin() {
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(Path::toString))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static void run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at JVM exit
    }
  }
}
