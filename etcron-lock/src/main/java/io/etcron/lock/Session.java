package io.etcron.lock;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd lease, kept alive, shared by every lock and election of a process (etcd's {@code
 * concurrency.Session}): acquiring a lock on a session costs one transaction.
 *
 * <pre>{@code
 * try (Session session = Session.builder(client).ttl(Duration.ofSeconds(10)).open();
 *     HeldLock lock = session.lock("backup").acquire(Duration.ofMinutes(1))) {
 *   backup(lock.fencingToken());
 * }
 * }</pre>
 *
 * <p>Liveness is an event: {@link #done()} completes when the session ends. A session whose local
 * deadline (last acknowledged keep-alive's send time + TTL − safety margin, on a monotonic clock)
 * passes is lost for good, before etcd can expire its lease; open a new one to go on.
 *
 * <p>Thread-safe. {@link #close()} revokes the lease, which releases every key on it.
 */
public final class Session implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  /** Default lease TTL. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

  /** Shortest TTL accepted: etcd raises shorter ones (2 s on a default single member). */
  public static final Duration MIN_TTL = Duration.ofSeconds(2);

  /** Longest TTL accepted: a crashed holder blocks others for up to one TTL. */
  public static final Duration MAX_TTL = Duration.ofDays(1);

  /** Default bound on each etcd request. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** Default key namespace: locks live under {@code <namespace>mutex/}. */
  public static final String DEFAULT_NAMESPACE = "/etcron/";

  private final Client client;
  private final long leaseId;
  private final Duration ttl;
  private final Duration requestTimeout;
  private final String namespace;
  private final String owner;
  private final LeaseKeeper keeper;
  private final CompletableFuture<SessionEnd> done = new CompletableFuture<>();
  private final AtomicReference<SessionEnd> end = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Session(Builder b, long leaseId, Duration grantedTtl, long sentNanos) {
    this.client = b.client;
    this.leaseId = leaseId;
    this.ttl = grantedTtl;
    this.requestTimeout = b.requestTimeout;
    this.namespace = b.namespace;
    this.owner = b.owner;
    Duration margin = b.safetyMargin != null ? b.safetyMargin : defaultMargin(grantedTtl);
    Duration interval = min(grantedTtl.dividedBy(4), Duration.ofSeconds(1));
    this.keeper =
        new LeaseKeeper(
            client.getLeaseClient(),
            leaseId,
            margin,
            interval,
            sentNanos + grantedTtl.toNanos() - margin.toNanos(),
            this::ended,
            b.onKeepAlive);
  }

  /** A builder for a session on {@code client}. */
  public static Builder builder(Client client) {
    return new Builder(client);
  }

  /** Opens a session with the default settings. Blocks for one lease grant. */
  public static Session open(Client client) {
    return builder(client).open();
  }

  /** The lock named {@code name}, at key {@code <namespace>mutex/<name>}. */
  public Lock lock(String name) {
    return new SessionLock(this, namespace + "mutex/", LockName.check(name));
  }

  /** The election named {@code name}, with candidates under {@code <namespace>election/<name>/}. */
  public Election election(String name) {
    return new Election(this, namespace + "election/" + LockName.check(name) + "/");
  }

  /** The lease id (keys put with it vanish when the session ends). */
  public long leaseId() {
    return leaseId;
  }

  /** The TTL etcd granted (it may raise the one asked for). */
  public Duration ttl() {
    return ttl;
  }

  /** The owner recorded in the keys this session holds (default {@code host/pid}). */
  public String owner() {
    return owner;
  }

  /** The key namespace, ending with {@code /}. */
  public String namespace() {
    return namespace;
  }

  /**
   * Whether the session is alive: not ended, and its local deadline not passed. A lock on a session
   * that is not alive must be treated as lost.
   */
  public boolean isAlive() {
    return end.get() == null && keeper.withinDeadline();
  }

  /** Time left before the local deadline, if no further keep-alive is acknowledged. */
  public Duration remaining() {
    return keeper.remaining();
  }

  /**
   * Completes once, when the session ends: closed, or lost (lease expired locally or revoked).
   * Dependent actions run on the session's keep-alive thread; keep them short or use the async
   * variants.
   */
  public CompletableFuture<SessionEnd> done() {
    return done.copy();
  }

  /** Throws {@link SessionLostException} unless the session is alive. */
  void checkAlive() {
    if (!isAlive()) {
      SessionEnd e = end.get();
      throw new SessionLostException(
          "session with lease "
              + Etcd.hex(leaseId)
              + " is "
              + (e == null ? "past its deadline" : "over: " + e.detail())
              + "; open a new session");
    }
  }

  Client client() {
    return client;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  private void ended(SessionEnd e) {
    if (end.compareAndSet(null, e)) {
      if (e.isLoss()) {
        // No revoke here: the holders are told first and the key goes when the lease expires in
        // etcd, at the earliest a safety margin after now. That margin is theirs to stop in.
        log.warn("session lost: {}", e.detail());
      }
      done.complete(e);
    }
  }

  /** Ends the session and revokes its lease (bounded by the request timeout). Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    keeper.close();
    try {
      Etcd.await(
          client.getLeaseClient().revoke(leaseId),
          requestTimeout,
          "revoke lease " + Etcd.hex(leaseId));
    } catch (LockException e) {
      log.warn(
          "could not revoke lease {}; its keys go when it expires: {}",
          Etcd.hex(leaseId),
          e.getMessage());
    } finally {
      ended(new SessionEnd(SessionEnd.Reason.CLOSED, "session closed"));
    }
  }

  @Override
  public String toString() {
    return "Session{lease="
        + Etcd.hex(leaseId)
        + ", ttl="
        + Etcd.human(ttl)
        + ", owner="
        + owner
        + "}";
  }

  private static Duration defaultMargin(Duration ttl) {
    return min(ttl.dividedBy(4), Duration.ofSeconds(2));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  static String defaultOwner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "/" + ManagementFactory.getRuntimeMXBean().getPid();
  }

  /** Settings of a session, validated once by {@link #open()}. Not thread-safe. */
  public static final class Builder {
    private final Client client;
    private Duration ttl = DEFAULT_TTL;
    private Duration safetyMargin;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private String namespace = DEFAULT_NAMESPACE;
    private String owner = defaultOwner();
    private java.util.function.Consumer<Duration> onKeepAlive = d -> {};

    private Builder(Client client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** Lease TTL, whole seconds between {@link #MIN_TTL} and {@link #MAX_TTL}. */
    public Builder ttl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * How long before the lease could expire in etcd the session declares itself lost. Default: a
     * quarter of the TTL, at most 2 s.
     */
    public Builder safetyMargin(Duration margin) {
      this.safetyMargin = Objects.requireNonNull(margin, "margin");
      return this;
    }

    /** Bound on each etcd request. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Key namespace, must start and end with {@code /}. Default {@value #DEFAULT_NAMESPACE}. */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /**
     * Told the round-trip time of each acknowledged keep-alive, on the session's thread (for
     * metrics; must not block).
     */
    public Builder onKeepAlive(java.util.function.Consumer<Duration> listener) {
      this.onKeepAlive = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Owner recorded in held keys, shown to those who find the lock taken. */
    public Builder owner(String owner) {
      this.owner = Objects.requireNonNull(owner, "owner");
      return this;
    }

    /**
     * A lock that opens a session of its own, with these settings, for each acquisition and revokes
     * its lease on release: the classic per-lock-lease recipe. Settings changed later on this
     * builder apply to later acquisitions.
     */
    public Lock lockWithOwnLease(String name) {
      return new OwnLeaseLock(this, name);
    }

    String namespace() {
      return namespace;
    }

    /**
     * Grants the lease and starts keeping it alive. Blocks for one request.
     *
     * @throws IllegalArgumentException when a setting is invalid
     * @throws EtcdUnavailableException when etcd does not answer within the request timeout
     */
    public Session open() {
      validate();
      long sent = System.nanoTime();
      LeaseGrantResponse grant =
          Etcd.await(
              client.getLeaseClient().grant(ttl.toSeconds()), requestTimeout, "grant a lease");
      Duration granted = Duration.ofSeconds(grant.getTTL());
      Session session = new Session(this, grant.getID(), granted, sent);
      session.keeper.start();
      log.debug("opened {}", session);
      return session;
    }

    private void validate() {
      if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
        throw new IllegalArgumentException(
            "ttl "
                + Etcd.human(ttl)
                + " is out of range: it must be between "
                + Etcd.human(MIN_TTL)
                + " (etcd's minimum lease) and "
                + Etcd.human(MAX_TTL));
      }
      if (ttl.getNano() != 0) {
        throw new IllegalArgumentException(
            "ttl " + Etcd.human(ttl) + " must be whole seconds: etcd leases count seconds");
      }
      if (safetyMargin != null
          && (safetyMargin.isNegative() || safetyMargin.compareTo(ttl.dividedBy(2)) > 0)) {
        throw new IllegalArgumentException(
            "safety margin " + Etcd.human(safetyMargin) + " must be between 0 and half the ttl");
      }
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException(
            "request timeout must be positive, was " + Etcd.human(requestTimeout));
      }
      if (!namespace.startsWith("/") || !namespace.endsWith("/") || namespace.contains("//")) {
        throw new IllegalArgumentException(
            "namespace \"" + namespace + "\" must start and end with / and contain no //");
      }
      if (owner.isEmpty()
          || owner.chars().anyMatch(Character::isISOControl)
          || owner.length() > 256) {
        throw new IllegalArgumentException(
            "owner must be 1 to 256 characters without control characters");
      }
    }
  }
}
