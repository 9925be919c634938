package io.etcron.lock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.op.RangeCmp;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A {@link Lock} held with a session's lease, in etcd's shape: the lock is a key prefix, and a
 * holder is the one key under {@code <key>/holder/}, named by its lease and a number never used
 * again ({@code <lease>-<n>}). Acquiring is one transaction, {@code If(no key under the holder
 * prefix) Then(Put(our holder key, on our lease)) Else(Get(the holder))}; releasing is a plain
 * delete of our own holder key, which cannot touch a later holder's key however late it arrives (no
 * compare needed: the name is ours alone). Waiters queue under {@code <key>/queue/} ({@link
 * FairAcquisition}). Thread-safe.
 */
final class SessionLock implements Lock {
  /** Numbers waiter keys: with the lease in the name, no name is ever used twice. */
  private static final AtomicLong NAMES = new AtomicLong();

  private final Session session;
  private final String key;
  private final String holders;
  private final PutOption onLease;
  // Built once: a try sends the same compare and read every time.
  private final Cmp free;
  private final ByteSequence holdersBytes;
  private final GetOption holderRead;

  SessionLock(Session session, String key) {
    RangeCmp.check();
    this.session = session;
    this.key = key;
    this.holders = holdersOf(key);
    this.onLease = PutOption.builder().withLeaseId(session.leaseId()).build();
    this.free = Etcd.noKeyUnder(holders);
    this.holdersBytes = Etcd.bytes(holders);
    this.holderRead = Etcd.oldestUnder(holders);
  }

  /** The prefix under which the holder of lock {@code key} has its key. */
  static String holdersOf(String key) {
    return key + "/holder/";
  }

  /** A name under {@code prefix} that no other acquisition has or will have. */
  static String uniqueUnder(String prefix, Session session) {
    return prefix + Etcd.hex(session.leaseId()) + "-" + NAMES.incrementAndGet();
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public TryResult tryAcquire() {
    return tryAcquire(held -> held);
  }

  /** Tries once; {@code wrap} turns the session-held key into the handle returned. */
  TryResult tryAcquire(Function<SessionHeldLock, HeldLock> wrap) {
    session.checkAlive();
    String mine = session.holderName(holders);
    TxnResponse response;
    try {
      response =
          Etcd.await(
              session
                  .client()
                  .getKVClient()
                  .txn()
                  // Free: no holder key (none was put, or its holder's lease expired).
                  .If(free)
                  // Take it, attached to our lease so that it vanishes if we crash.
                  .Then(
                      Op.put(
                          Etcd.bytes(mine),
                          Etcd.bytes(Holder.value(session.owner(), Instant.now())),
                          onLease))
                  // Taken: learn who holds it and since when, in the same round trip.
                  .Else(Op.get(holdersBytes, holderRead))
                  .commit(),
              session.requestTimeout(),
              "try to lock " + key);
    } catch (EtcdUnavailableException unknown) {
      return recover(unknown, mine, wrap);
    }
    if (response.isSucceeded()) {
      return acquired(response.getHeader().getRevision(), mine, wrap);
    }
    var kvs = response.getGetResponses().get(0).getKvs();
    if (kvs.isEmpty()) {
      return tryAcquire(wrap); // released between the compare and the read: impossible in one txn
    }
    return new TryResult.Taken(Holder.of(kvs.get(0)));
  }

  private TryResult acquired(long token, String mine, Function<SessionHeldLock, HeldLock> wrap) {
    if (!session.isAlive()) {
      // The lease may expire any moment: never report a lock we could lose unknowingly.
      Keys.deleteAsync(session, mine);
      session.checkAlive();
    }
    return new TryResult.Acquired(wrap.apply(new SessionHeldLock(session, mine, token)));
  }

  /**
   * The try's answer did not come: its put may have committed. Read our holder key back: if it
   * exists and no handle of this session owns it, it is the one we put, and adopted. If it does not
   * (yet), or the read fails too, a background sweep deletes it should the put still land.
   */
  private TryResult recover(
      EtcdUnavailableException unknown, String mine, Function<SessionHeldLock, HeldLock> wrap) {
    Optional<KeyValue> kv;
    try {
      kv = Etcd.await(Keys.read(session, mine), session.requestTimeout(), "read back " + mine);
    } catch (EtcdUnavailableException e) {
      Keys.sweepLater(session, mine);
      throw unknown;
    }
    if (kv.isEmpty()) {
      Keys.sweepLater(session, mine); // the put may still be on its way
      throw unknown;
    }
    if (Keys.phantom(session, kv.get())) {
      return acquired(kv.get().getCreateRevision(), mine, wrap);
    }
    return new TryResult.Taken(Holder.of(kv.get())); // another hold of this session
  }

  @Override
  public HeldLock acquire(Duration timeout) {
    return acquire(timeout, held -> held);
  }

  /** Waits in the queue; {@code wrap} turns the session-held key into the handle returned. */
  HeldLock acquire(Duration timeout, Function<SessionHeldLock, HeldLock> wrap) {
    session.checkAlive();
    FairAcquisition acquisition = newAcquisition(wrap);
    CompletableFuture<HeldLock> result = acquisition.start();
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      CompletableFuture<Void> cleanup = acquisition.abort();
      if (result.isDone() && !result.isCompletedExceptionally()) {
        return result.join(); // won just as the wait ended
      }
      awaitCleanup(cleanup);
      Holder holder = acquisition.lastHolder();
      throw new LockTimeoutException(
          "lock "
              + key
              + " was not acquired within "
              + Etcd.human(timeout)
              + (holder == null ? "" : "; it is held by " + holder),
          holder);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      awaitCleanup(acquisition.abort());
      throw new LockException("interrupted while waiting for lock " + key, e);
    } catch (ExecutionException e) {
      awaitCleanup(acquisition.abort());
      throw Etcd.failure(e.getCause(), "acquire lock " + key);
    }
  }

  @Override
  public CompletableFuture<HeldLock> acquireAsync() {
    return acquireAsync(held -> held);
  }

  /** Joins the queue; {@code wrap} turns the session-held key into the handle returned. */
  CompletableFuture<HeldLock> acquireAsync(Function<SessionHeldLock, HeldLock> wrap) {
    session.checkAlive();
    return newAcquisition(wrap).start();
  }

  private FairAcquisition newAcquisition(Function<SessionHeldLock, HeldLock> wrap) {
    return new FairAcquisition(
        session, key, uniqueUnder(FairAcquisition.queueOf(key), session), wrap);
  }

  private void awaitCleanup(CompletableFuture<Void> cleanup) {
    try {
      Etcd.await(cleanup, session.requestTimeout(), "leave the queue of " + key);
    } catch (LockException e) {
      // The waiter key is on our lease: it goes with the session at the latest.
    }
  }
}
