package io.etcron.lock;

import io.etcd.jetcd.Client;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd lease, kept alive, shared by every lock and election of a process (etcd's {@code
 * concurrency.Session}): acquiring a lock on a session costs one transaction. A session knows
 * nothing of the locks built on it ({@link Lock#on}, {@link Election#on}).
 *
 * <pre>{@code
 * try (Session session = Session.builder(client).ttl(Duration.ofSeconds(10)).open();
 *     HeldLock lock = Lock.on(session, "backup").acquire(Duration.ofMinutes(1))) {
 *   backup(lock.fencingToken());
 * }
 * }</pre>
 *
 * <p><b>Liveness is an event.</b> The session tracks a local deadline: the send time of the last
 * acknowledged keep-alive + TTL − safety margin, on the monotonic clock. Three states follow:
 *
 * <ul>
 *   <li><b>healthy</b>: more than the at-risk threshold remains ({@link Builder#atRiskBelow});
 *   <li><b>at risk</b> (Curator's SUSPENDED): {@link #atRisk()} completes; stop starting new work
 *       under the session's locks. A later renewal makes the session healthy again, and {@link
 *       #atRisk()} then returns a new, pending future;
 *   <li><b>ended</b>: {@link #done()} completes with a {@link SessionEnd}. On a loss ({@link
 *       SessionEnd#isLoss()}: the deadline passed, or etcd says the lease is gone) the session is
 *       over for good; open a new one to go on.
 * </ul>
 *
 * <p><b>Order on a loss.</b> When the deadline passes, the session first completes {@link
 * HeldLock#lost()} of every lock still held on it, then {@link #done()}, and runs their dependent
 * callbacks synchronously on its keep-alive thread, in that order. It does <em>not</em> revoke the
 * lease: the keys go when etcd expires it, which is at the earliest one safety margin after the
 * deadline. That margin is the time the holders have to stop what they do under their locks, and no
 * other process can acquire those locks before. A holder that has stopped may call {@link
 * #close()}, which then revokes the lease to free the keys at once.
 *
 * <p>Thread-safe. Callbacks on {@link #done()}, {@link #atRisk()} and {@link HeldLock#lost()} run
 * on the session's keep-alive thread unless chained with an async variant: keep them short.
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

  /** Default at-risk threshold, as a part of the TTL: at risk when less than half remains. */
  public static final double DEFAULT_AT_RISK_BELOW = 0.5;

  /** Something that must hear of the session's end: a held lock, a waiting acquisition. */
  interface Member {
    /** Called once, on the keep-alive thread (or the closing thread); must not block. */
    void sessionEnded(SessionEnd end);
  }

  private final Client client;
  private final long leaseId;
  private final Duration ttl;
  private final Duration requestTimeout;
  private final String namespace;
  private final String owner;
  private final LeaseKeeper keeper;
  private final Consumer<Duration> onKeepAlive;
  private final Set<Member> members = ConcurrentHashMap.newKeySet();

  /**
   * Part of the name of the holder keys this session puts ({@code <lease>} at 0, then {@code
   * <lease>-<epoch>}); moves on whenever a plain delete of such a key may still be on its way (its
   * answer did not come, or nobody waits for it), so that no later hold can carry the name it would
   * delete. Rare: holder names are reused otherwise, and etcd's index does not fill with dead ones.
   */
  private final java.util.concurrent.atomic.AtomicLong holderEpoch =
      new java.util.concurrent.atomic.AtomicLong();

  private final Signal<SessionEnd> done = new Signal<>();
  private final AtomicReference<SessionEnd> end = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Signal<Duration> atRisk = new Signal<>();

  private Session(Builder b, long leaseId, Duration grantedTtl, long sentNanos) {
    this.client = b.client;
    this.leaseId = leaseId;
    this.ttl = grantedTtl;
    this.requestTimeout = b.requestTimeout;
    this.namespace = b.namespace;
    this.owner = b.owner;
    this.onKeepAlive = b.onKeepAlive;
    Duration margin = b.safetyMargin != null ? b.safetyMargin : defaultMargin(grantedTtl);
    Duration interval = min(grantedTtl.dividedBy(4), Duration.ofSeconds(1));
    // At risk once two renewals in a row went unanswered, or earlier if asked: never on the
    // ordinary jitter of one late answer.
    Duration risk =
        min(
            Duration.ofNanos((long) (grantedTtl.toNanos() * b.atRiskBelow)),
            grantedTtl.minus(margin).minus(interval.multipliedBy(2)));
    this.keeper =
        new LeaseKeeper(
            client.getLeaseClient(),
            leaseId,
            margin,
            risk,
            interval,
            sentNanos + grantedTtl.toNanos() - margin.toNanos(),
            new Events());
  }

  /** A builder for a session on {@code client}. */
  public static Builder builder(Client client) {
    return new Builder(client);
  }

  /** Opens a session with the default settings. Blocks for one lease grant. */
  public static Session open(Client client) {
    return builder(client).open();
  }

  /** The name this session's next hold under {@code prefix} gets (see {@link #holderEpoch}). */
  String holderName(String prefix) {
    long epoch = holderEpoch.get();
    return prefix + Etcd.hex(leaseId) + (epoch == 0 ? "" : "-" + epoch);
  }

  /** A plain delete of a holder key may land late: later holds get another name. */
  void deleteInFlight() {
    holderEpoch.incrementAndGet();
  }

  /** The lease id (keys put with it vanish when the lease goes). */
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
   * that is not alive must be treated as lost. Never blocks.
   */
  public boolean isAlive() {
    return end.get() == null && keeper.withinDeadline();
  }

  /**
   * Time left before the local deadline if no further keep-alive is acknowledged (negative once
   * passed). Measured on the monotonic clock; another process on the same machine can turn it into
   * its own deadline as {@code System.nanoTime() + remaining().toNanos()}.
   */
  public Duration remaining() {
    return keeper.remaining();
  }

  /**
   * The local deadline as a {@link System#nanoTime()} value: it only moves forward, with each
   * acknowledged renewal. On Linux {@code nanoTime} reads {@code CLOCK_MONOTONIC}, which every
   * process of the machine shares, so a child process may compare its own {@code nanoTime} against
   * it.
   */
  public long deadlineNanos() {
    return keeper.deadlineNanos();
  }

  /** Whether less than the at-risk threshold of the TTL remains, or the session ended. */
  public boolean isAtRisk() {
    return atRisk.isDone();
  }

  /**
   * Completes, with the time left then, when the session becomes at risk (at once if it is now), or
   * ends. Callers should stop starting new work under the session's locks; when a renewal makes the
   * session healthy again, the next call returns a new, pending future. The returned future cannot
   * be completed or cancelled by callers; calling this often costs nothing.
   */
  public CompletableFuture<Duration> atRisk() {
    return atRisk;
  }

  /**
   * Completes once, when the session ends: closed, orphaned, or lost (the local deadline passed, or
   * etcd says the lease is gone). On a loss it completes after the {@link HeldLock#lost()} of every
   * lock held on the session, and before anything revokes the lease (nothing does, unless {@link
   * #close()} is called). Dependent actions run on the keep-alive thread; keep them short or use
   * the async variants. The future cannot be completed or cancelled by callers.
   */
  public CompletableFuture<SessionEnd> done() {
    return done;
  }

  /**
   * Stops keeping the lease alive without revoking it (etcd's {@code Orphan}): the session ends
   * with {@link SessionEnd.Reason#ORPHANED}, held locks report {@link HeldLock#lost()}, and the
   * keys stay in etcd until the lease expires, or until another session resumes the lease ({@link
   * Builder#lease(long)}). Does not block; idempotent.
   */
  public void orphan() {
    keeper.close();
    ended(
        new SessionEnd(
            SessionEnd.Reason.ORPHANED,
            "session orphaned: lease " + Etcd.hex(leaseId) + " is no longer kept alive"));
  }

  /**
   * Ends the session and revokes its lease, which deletes every key on it (bounded by the request
   * timeout; if etcd does not answer, the keys go when the lease expires). After a loss this still
   * revokes: call it once the work done under the session's locks has stopped. Idempotent.
   */
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
      log.debug("could not revoke lease {}: {}", Etcd.hex(leaseId), e.getMessage());
    } finally {
      ended(new SessionEnd(SessionEnd.Reason.CLOSED, "session closed"));
    }
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

  /**
   * Tells {@code member} of the session's end, once (at once if it ended already), unless it leaves
   * first. Members are kept in one set, so a long-lived session holds only what is live.
   */
  void join(Member member) {
    members.add(member);
    SessionEnd e = end.get();
    if (e != null && members.remove(member)) {
      member.sessionEnded(e);
    }
  }

  /** Forgets {@code member}: it will not hear of the end. */
  void leave(Member member) {
    members.remove(member);
  }

  /** Members of this session that match, for the rare checks that must look (phantom keys). */
  boolean anyMember(java.util.function.Predicate<Member> match) {
    return members.stream().anyMatch(match);
  }

  Client client() {
    return client;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  private void ended(SessionEnd e) {
    if (!end.compareAndSet(null, e)) {
      return;
    }
    if (e.isLoss()) {
      // No revoke here: the key goes when the lease expires in etcd, at the earliest a safety
      // margin after now, and that margin is the holders' time to stop.
      log.warn("session lost: {}", e.detail());
    }
    for (Member m : members) {
      if (members.remove(m)) {
        try {
          m.sessionEnded(e);
        } catch (RuntimeException ex) {
          log.error("a holder of lease {} failed to hear of its end", Etcd.hex(leaseId), ex);
        }
      }
    }
    atRisk.fire(Duration.ZERO);
    done.fire(e);
  }

  /** The keeper's events, on its thread. */
  private final class Events implements LeaseKeeper.Events {
    @Override
    public void keptAlive(Duration roundTrip) {
      try {
        onKeepAlive.accept(roundTrip);
      } catch (RuntimeException e) {
        log.warn("keep-alive listener failed", e);
      }
    }

    @Override
    public void atRisk(Duration remaining) {
      log.info(
          "session with lease {} is at risk: {} left before its local deadline",
          Etcd.hex(leaseId),
          Etcd.human(remaining));
      atRisk.fire(remaining);
    }

    @Override
    public void recovered() {
      log.info("session with lease {} is healthy again", Etcd.hex(leaseId));
      atRisk = new Signal<>();
    }

    @Override
    public void lost(SessionEnd e) {
      ended(e);
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

  /**
   * Settings of a session, validated once by {@link #open()}; also the settings of {@link
   * Lock#withOwnLease own-lease locks}. Not thread-safe.
   */
  public static final class Builder {
    private final Client client;
    private Duration ttl = DEFAULT_TTL;
    private Duration safetyMargin;
    private double atRiskBelow = DEFAULT_AT_RISK_BELOW;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private String namespace = DEFAULT_NAMESPACE;
    private String owner = defaultOwner();
    private Consumer<Duration> onKeepAlive = d -> {};
    private Long resumeLease;

    private Builder(Client client) {
      this.client = java.util.Objects.requireNonNull(client, "client");
    }

    /** Lease TTL, whole seconds between {@link #MIN_TTL} and {@link #MAX_TTL}. */
    public Builder ttl(Duration ttl) {
      this.ttl = java.util.Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * How long before the lease could expire in etcd the session declares itself lost: the time
     * holders have to stop. Default: a quarter of the TTL, at most 2 s.
     */
    public Builder safetyMargin(Duration margin) {
      this.safetyMargin = java.util.Objects.requireNonNull(margin, "margin");
      return this;
    }

    /**
     * The session is at risk ({@link Session#atRisk()}) when less than this part of the TTL remains
     * before its local deadline; between 0 and 1, default {@value #DEFAULT_AT_RISK_BELOW}. The
     * threshold is never above the time left after two missed renewals (TTL − margin − 2 × renewal
     * interval), so that one late answer does not count as a risk.
     */
    public Builder atRiskBelow(double partOfTtl) {
      this.atRiskBelow = partOfTtl;
      return this;
    }

    /** Bound on each etcd request. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = java.util.Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Key namespace, must start and end with {@code /}. Default {@value #DEFAULT_NAMESPACE}. */
    public Builder namespace(String namespace) {
      this.namespace = java.util.Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /**
     * Told the round-trip time of each acknowledged keep-alive, on the session's thread (for
     * metrics; must not block).
     */
    public Builder onKeepAlive(Consumer<Duration> listener) {
      this.onKeepAlive = java.util.Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Owner recorded in held keys, shown to those who find the lock taken. */
    public Builder owner(String owner) {
      this.owner = java.util.Objects.requireNonNull(owner, "owner");
      return this;
    }

    /**
     * Resumes an existing lease instead of granting one (etcd's {@code WithLease}), for example one
     * {@link Session#orphan() orphaned} by another process. The keys on it stay held.
     */
    public Builder lease(long leaseId) {
      this.resumeLease = leaseId;
      return this;
    }

    String namespace() {
      return namespace;
    }

    /**
     * Grants the lease (or renews the resumed one) and starts keeping it alive. Blocks for one
     * request.
     *
     * @throws IllegalArgumentException when a setting is invalid
     * @throws SessionLostException when the lease to resume does not exist
     * @throws EtcdUnavailableException when etcd does not answer within the request timeout
     */
    public Session open() {
      validate();
      long sent = System.nanoTime();
      long id;
      long grantedSeconds;
      if (resumeLease == null) {
        var grant =
            Etcd.await(
                client.getLeaseClient().grant(ttl.toSeconds()), requestTimeout, "grant a lease");
        id = grant.getID();
        grantedSeconds = grant.getTTL();
      } else {
        var renewal =
            Etcd.await(
                client.getLeaseClient().keepAliveOnce(resumeLease),
                requestTimeout,
                "resume lease " + Etcd.hex(resumeLease));
        id = resumeLease;
        grantedSeconds = renewal.getTTL();
      }
      Session session = new Session(this, id, Duration.ofSeconds(grantedSeconds), sent);
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
      if (!(atRiskBelow > 0 && atRiskBelow < 1)) {
        throw new IllegalArgumentException(
            "at-risk threshold " + atRiskBelow + " must be a part of the ttl between 0 and 1");
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
