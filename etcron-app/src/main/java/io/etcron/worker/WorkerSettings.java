package io.etcron.worker;

import io.etcd.jetcd.Client;
import io.etcron.claim.Claimer;
import io.etcron.execute.Executor;
import io.etcron.execute.HttpExecutor;
import io.etcron.execute.RunAsPolicy;
import io.etcron.execute.ShellExecutor;
import io.etcron.job.JobName;
import io.etcron.store.EtcdSettings;
import io.etcron.store.WorkerInfo;
import io.etcron.worker.record.RunRecorder;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A worker's settings, validated once by {@link Builder#start()}.
 *
 * @param info the registration (id, tags, capacity...)
 * @param etcd how the worker reaches etcd: its key namespace and request timeout among them
 * @param ttl session lease TTL
 * @param grace how long after a fire time the other workers wait before taking the fire over
 * @param claimAhead how long before a fire time the preferred worker claims it (the run starts at
 *     the fire time)
 * @param killGrace SIGTERM to SIGKILL delay when killing a run
 * @param drainTimeout how long a draining worker lets runs finish
 * @param claimBatch fires per claim transaction, at first
 * @param clock the clock fires are timed against
 */
public record WorkerSettings(
    WorkerInfo info,
    EtcdSettings etcd,
    Duration ttl,
    Duration grace,
    Duration claimAhead,
    Duration killGrace,
    Duration drainTimeout,
    int claimBatch,
    Clock clock) {

  public static final int DEFAULT_CAPACITY = 16;
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CLAIM_AHEAD = Duration.ofMillis(100);
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  int capacity() {
    return info.capacity();
  }

  /** The etcd key namespace. */
  public String namespace() {
    return etcd.namespace();
  }

  /** The bound on each etcd request. */
  public Duration requestTimeout() {
    return etcd.requestTimeout();
  }

  /** Builds and starts a worker. Not thread-safe. */
  public static final class Builder {
    private final Client client;
    private final RunRecorder recorder;
    private String id;
    private Set<String> tags = Set.of();
    private int capacity = DEFAULT_CAPACITY;
    private EtcdSettings etcd = EtcdSettings.local();
    private Duration ttl = DEFAULT_TTL;
    private Duration grace = DEFAULT_GRACE;
    private Duration claimAhead = DEFAULT_CLAIM_AHEAD;
    private Duration killGrace = DEFAULT_KILL_GRACE;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private int claimBatch = Claimer.DEFAULT_BATCH;
    private Clock clock = Clock.systemUTC();
    private Executor executor;
    private Executor httpExecutor;
    private RunAsPolicy runAs = RunAsPolicy.ANY_BUT_ROOT;
    private io.micrometer.core.instrument.MeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    Builder(Client client, RunRecorder recorder) {
      this.client = Objects.requireNonNull(client, "client");
      this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    /** Unique worker id; default {@code <host>-<pid>-<random>}. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder tags(Set<String> tags) {
      this.tags = Set.copyOf(tags);
      return this;
    }

    public Builder capacity(int capacity) {
      this.capacity = capacity;
      return this;
    }

    /** The etcd the worker's client reaches, for its namespace and request timeout. */
    public Builder etcd(EtcdSettings etcd) {
      this.etcd = etcd;
      return this;
    }

    public Builder namespace(String namespace) {
      this.etcd = etcd.withNamespace(namespace);
      return this;
    }

    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    public Builder grace(Duration grace) {
      this.grace = grace;
      return this;
    }

    /** How long before a fire time the preferred worker claims it; 0 to claim at the fire time. */
    public Builder claimAhead(Duration claimAhead) {
      this.claimAhead = claimAhead;
      return this;
    }

    public Builder killGrace(Duration killGrace) {
      this.killGrace = killGrace;
      return this;
    }

    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = drainTimeout;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.etcd = etcd.withRequestTimeout(requestTimeout);
      return this;
    }

    public Builder claimBatch(int claimBatch) {
      this.claimBatch = claimBatch;
      return this;
    }

    /** The clock fires are timed against (tests skew it). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Where the worker's metrics go (default: kept in memory only). */
    public Builder metrics(io.micrometer.core.instrument.MeterRegistry registry) {
      this.meters = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Which accounts jobs may name for the default executor; default any user of the host but root.
     */
    public Builder runAs(RunAsPolicy policy) {
      this.runAs = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** How runs of commands execute; default {@code /bin/sh -c}. */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * How HTTP jobs' calls are made, whatever {@link #executor} runs the commands; default the
     * process's {@link HttpExecutor#shared() shared} HTTP executor.
     */
    public Builder httpExecutor(Executor executor) {
      this.httpExecutor = executor;
      return this;
    }

    /**
     * Validates the settings and starts the worker. Blocks until it has registered and listed the
     * jobs.
     *
     * @throws IllegalArgumentException when a setting is invalid
     * @throws io.etcron.lock.EtcdUnavailableException when etcd cannot be reached
     */
    public Worker start() throws InterruptedException {
      if (capacity < 1 || capacity > 10_000) {
        throw new IllegalArgumentException("capacity " + capacity + " is out of range 1-10000");
      }
      if (grace.isNegative() || grace.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("grace " + grace + " is out of range 0-1m");
      }
      if (claimAhead.isNegative() || claimAhead.compareTo(grace) > 0) {
        throw new IllegalArgumentException(
            "claim ahead " + claimAhead + " must be between 0 and the grace " + grace);
      }
      if (claimBatch < 1) {
        throw new IllegalArgumentException("claim batch must be at least 1");
      }
      for (String tag : tags) {
        if (JobName.problem(tag) != null) {
          throw new IllegalArgumentException("tag " + JobName.problem(tag));
        }
      }
      String host = host();
      long pid = ManagementFactory.getRuntimeMXBean().getPid();
      String workerId =
          id != null ? id : host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 6);
      if (JobName.problem(workerId) != null) {
        throw new IllegalArgumentException("worker id " + JobName.problem(workerId));
      }
      String version =
          Objects.requireNonNullElse(
              Worker.class.getPackage().getImplementationVersion(), "development");
      WorkerInfo info =
          new WorkerInfo(
              workerId, host, pid, version, tags, capacity, clock.instant(), List.of(), "", false);
      WorkerSettings settings =
          new WorkerSettings(
              info, etcd, ttl, grace, claimAhead, killGrace, drainTimeout, claimBatch, clock);
      JobExecutors executors =
          new JobExecutors(
              executor != null ? executor : new ShellExecutor(runAs),
              httpExecutor != null ? httpExecutor : HttpExecutor.shared());
      return new Worker(settings, client, recorder, executors, new WorkerMetrics(meters)).start();
    }

    private static String host() {
      try {
        return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
      } catch (Exception e) {
        return "host";
      }
    }
  }

  /** When the worker started (for info). */
  Instant startedAt() {
    return info.startedAt();
  }
}
