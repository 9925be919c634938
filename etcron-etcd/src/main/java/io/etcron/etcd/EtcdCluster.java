package io.etcron.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of etcd processes on 127.0.0.1 forming one cluster.
 *
 * <pre>{@code
 * try (EtcdCluster etcd = EtcdCluster.builder().members(3).fastElections().start()) {
 *   String endpoints = etcd.endpoints();
 *   etcd.member(0).kill();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops every member and, when the data directory was a temporary
 * one, deletes it.
 */
public final class EtcdCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdCluster.class);

  /** How long a member may take to become healthy. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

  private final List<EtcdMember> members;
  private final Path baseDir;
  private final boolean deleteOnClose;

  private EtcdCluster(List<EtcdMember> members, Path baseDir, boolean deleteOnClose) {
    this.members = List.copyOf(members);
    this.baseDir = baseDir;
    this.deleteOnClose = deleteOnClose;
  }

  /** A builder for a single member on free ports in a temporary directory. */
  public static Builder builder() {
    return new Builder();
  }

  /** The members, in name order. */
  public List<EtcdMember> members() {
    return members;
  }

  /** Member {@code index} (0-based). */
  public EtcdMember member(int index) {
    return members.get(index);
  }

  /** Comma-separated client URLs of every member, for a client's endpoint list. */
  public String endpoints() {
    return members.stream().map(EtcdMember::clientUrl).collect(Collectors.joining(","));
  }

  /** The client URLs of every member. */
  public List<String> clientUrls() {
    return members.stream().map(EtcdMember::clientUrl).toList();
  }

  /** The directory holding every member's data and log. */
  public Path baseDir() {
    return baseDir;
  }

  /** Stops every member; deletes the data when it lived in a temporary directory. */
  @Override
  public void close() {
    for (EtcdMember member : members) {
      try {
        member.stop();
      } catch (RuntimeException e) {
        log.warn("could not stop {}", member, e);
      }
    }
    if (deleteOnClose) {
      deleteRecursively(baseDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("could not delete {}", dir, e);
    }
  }

  /** Configures and starts a cluster. Not thread-safe; use once. */
  public static final class Builder {
    private int size = 1;
    private Path baseDir;
    private Path tempRoot;
    private int clientPort;
    private int peerPort;
    private boolean fastElections;
    private boolean supervised;
    private int maxTxnOps;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private final List<String> extraArgs = new ArrayList<>();

    private Builder() {}

    /** Number of members (1, 3 or 5 are sensible). Default 1. */
    public Builder members(int size) {
      if (size < 1 || size > 9) {
        throw new IllegalArgumentException("members must be between 1 and 9, was " + size);
      }
      this.size = size;
      return this;
    }

    /**
     * Where a temporary data directory is made (when no {@link #dataDir} is given): e.g. a tmpfs
     * for tests, whose fsyncs cost nothing. Default: the JVM's temporary directory.
     */
    public Builder tempRoot(Path root) {
      this.tempRoot = Objects.requireNonNull(root, "root");
      return this;
    }

    /**
     * Keeps data under {@code dir} (member {@code n1} in {@code dir/n1}) and never deletes it.
     * Default: a temporary directory, deleted on close.
     */
    public Builder dataDir(Path dir) {
      this.baseDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** Fixed client and peer ports for a single member (default: free ports). */
    public Builder ports(int clientPort, int peerPort) {
      this.clientPort = clientPort;
      this.peerPort = peerPort;
      return this;
    }

    /** Heartbeat 10 ms, election timeout 100 ms: fast fail-over for tests on loopback. */
    public Builder fastElections() {
      this.fastElections = true;
      return this;
    }

    /** etcd's {@code --max-txn-ops} (operations per transaction level, default 128). */
    public Builder maxTxnOps(int maxTxnOps) {
      this.maxTxnOps = maxTxnOps;
      return this;
    }

    /** How long each member may take to become healthy. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Once started, a member whose process exits without being asked ({@link EtcdMember#stop},
     * {@link EtcdMember#kill}, {@link #close}) is started again, as a supervisor would: the etcd of
     * a standalone etcron, which nobody else looks after.
     */
    public Builder supervised() {
      this.supervised = true;
      return this;
    }

    /** Extra command-line flags for every member. */
    public Builder arg(String flag) {
      extraArgs.add(flag);
      return this;
    }

    /**
     * Starts every member and waits until all are healthy.
     *
     * @throws EtcdNotInstalledException when the etcd binary is missing
     * @throws EtcdStartException when a member does not become healthy in time
     */
    public EtcdCluster start() {
      Path binary = EtcdBinary.locate();
      if (clientPort != 0 && size != 1) {
        throw new IllegalArgumentException("fixed ports are only supported for a single member");
      }
      boolean temporary = baseDir == null;
      Path dir;
      try {
        dir =
            !temporary
                ? baseDir
                : tempRoot == null
                    ? Files.createTempDirectory("etcron-etcd-")
                    : Files.createTempDirectory(tempRoot, "etcron-etcd-");
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the etcd data directory", e);
      }
      // Free ports can be taken between probing and binding; a fresh set on each attempt.
      EtcdStartException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        List<EtcdMember> members = members(binary, dir);
        try {
          members.forEach(EtcdMember::launch);
          for (EtcdMember member : members) {
            member.awaitHealthy(startTimeout);
          }
          if (supervised) {
            members.forEach(EtcdMember::supervise);
          }
          return new EtcdCluster(members, dir, temporary);
        } catch (EtcdStartException e) {
          members.forEach(EtcdMember::kill);
          last = e;
          if (clientPort != 0) {
            break;
          }
        }
      }
      throw last;
    }

    private List<EtcdMember> members(Path binary, Path dir) {
      List<int[]> ports = new ArrayList<>();
      // Every member's two ports picked together, so that no two of them get the same one.
      int[] free = clientPort != 0 ? new int[0] : LoopbackPorts.free(2 * size);
      for (int i = 0; i < size; i++) {
        ports.add(
            clientPort != 0
                ? new int[] {clientPort, peerPort}
                : new int[] {free[2 * i], free[2 * i + 1]});
      }
      StringBuilder initialCluster = new StringBuilder();
      for (int i = 0; i < size; i++) {
        if (i > 0) {
          initialCluster.append(',');
        }
        initialCluster
            .append("n")
            .append(i + 1)
            .append("=http://127.0.0.1:")
            .append(ports.get(i)[1]);
      }
      List<String> args = new ArrayList<>(extraArgs);
      if (fastElections) {
        args.add("--heartbeat-interval=10");
        args.add("--election-timeout=100");
      }
      if (maxTxnOps > 0) {
        args.add("--max-txn-ops=" + maxTxnOps);
      }
      List<EtcdMember> members = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        String name = "n" + (i + 1);
        members.add(
            new EtcdMember(
                name,
                binary,
                dir.resolve(name),
                ports.get(i)[0],
                ports.get(i)[1],
                initialCluster.toString(),
                args));
      }
      return members;
    }
  }
}
