package io.etcron.lock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A leader election (etcd's {@code concurrency.Election}): candidates are keys {@code
 * <namespace>election/<name>/<lease>} on their session's lease; the oldest (smallest create
 * revision) leads. A candidate waits by watching the deletion of the candidate just older than
 * itself, so a leader's crash wakes exactly its successor. Thread-safe.
 *
 * <pre>{@code
 * Election election = Election.on(session, "sweeper");
 * try (HeldLock leadership = election.campaign("node-1", Duration.ofMinutes(5))) {
 *   leadership.lost().thenRun(this::stopSweeping);
 *   sweep();
 * }
 * }</pre>
 */
public final class Election {
  private final Session session;
  private final String prefix;

  private Election(Session session, String prefix) {
    this.session = session;
    this.prefix = prefix;
  }

  /**
   * The election named {@code name}, campaigning with {@code session}'s lease.
   *
   * @throws IllegalArgumentException when the name is invalid ({@link LockName})
   */
  public static Election on(Session session, String name) {
    return new Election(session, session.namespace() + "election/" + LockName.check(name) + "/");
  }

  /** The key prefix of the candidates. */
  public String prefix() {
    return prefix;
  }

  /**
   * Campaigns with {@code value} and blocks until this session leads or {@code timeout} passes.
   * Returns the leadership as a held lock on the candidate key: its fencing token is the
   * candidate's create revision, {@link HeldLock#lost()} tells of a lost session, closing it
   * resigns. A session campaigning again keeps its place in line.
   *
   * @throws NotElectedException when not elected in time (the candidacy is withdrawn)
   * @throws SessionLostException when the session is lost
   * @throws EtcdUnavailableException when etcd does not answer in time
   */
  public HeldLock campaign(String value, Duration timeout) {
    Objects.requireNonNull(value, "value");
    session.checkAlive();
    String candidate = prefix + Etcd.hex(session.leaseId());
    long revision = putCandidate(candidate, value);
    QueueHead head = new QueueHead(session, prefix, revision);
    Session.Member stopOnEnd = end -> head.cancel();
    session.join(stopOnEnd);
    try {
      head.await().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      session.checkAlive();
      return new SessionHeldLock(session, candidate, revision);
    } catch (TimeoutException e) {
      head.cancel();
      withdraw(candidate, revision);
      Optional<Leader> leader = leaderOrEmpty();
      throw new NotElectedException(
          "not elected in "
              + prefix
              + " within "
              + Etcd.human(timeout)
              + leader.map(l -> "; the leader is " + l.value()).orElse(""),
          leader);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      head.cancel();
      withdraw(candidate, revision);
      throw new LockException("interrupted while campaigning in " + prefix, e);
    } catch (ExecutionException | CancellationException e) {
      withdraw(candidate, revision);
      session.checkAlive();
      throw Etcd.failure(e, "campaign in " + prefix);
    } finally {
      session.leave(stopOnEnd);
    }
  }

  /**
   * The current leader, read once. Blocks for one request.
   *
   * @throws EtcdUnavailableException when etcd does not answer in time
   */
  public Optional<Leader> leader() {
    GetResponse response =
        Etcd.await(
            session.client().getKVClient().get(Etcd.bytes(prefix), Etcd.oldestUnder(prefix)),
            session.requestTimeout(),
            "read the leader of " + prefix);
    return response.getKvs().stream().findFirst().map(Leader::of);
  }

  /**
   * Calls {@code listener} with the current leader now and after every change, until the returned
   * subscription is closed. Like etcd's {@code Observe} it watches the leader's key only (or, with
   * no leader, the first new candidate); a broken watch costs a re-read. The listener runs on a
   * jetcd thread, one call at a time, and must not block. Does not block.
   */
  public Subscription observe(Consumer<Optional<Leader>> listener) {
    return new LeaderObserver(session, prefix, Objects.requireNonNull(listener, "listener"))
        .start();
  }

  private Optional<Leader> leaderOrEmpty() {
    try {
      return leader();
    } catch (LockException e) {
      return Optional.empty();
    }
  }

  private long putCandidate(String candidate, String value) {
    ByteSequence key = Etcd.bytes(candidate);
    TxnResponse response =
        Etcd.await(
            session
                .client()
                .getKVClient()
                .txn()
                // A new candidacy; a session campaigning again keeps its place in line.
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(
                    Op.put(
                        key,
                        Etcd.bytes(value),
                        PutOption.builder().withLeaseId(session.leaseId()).build()))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit(),
            session.requestTimeout(),
            "campaign in " + prefix);
    if (response.isSucceeded()) {
      return response.getHeader().getRevision();
    }
    KeyValue existing = response.getGetResponses().get(0).getKvs().get(0);
    return existing.getCreateRevision();
  }

  private void withdraw(String candidate, long revision) {
    try {
      Keys.deleteIfOurs(session, candidate, revision);
    } catch (LockException e) {
      // the candidate key is on our lease: it goes with the session at the latest
    }
  }
}
