package io.etcron.lock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
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

/** A {@link Lock} on one key, held with a session's lease. Thread-safe. */
final class SessionLock implements Lock {
  private static final AtomicLong WAITERS = new AtomicLong();

  private final Session session;
  private final String key;
  private final ByteSequence keyBytes;
  private final PutOption onLease;

  SessionLock(Session session, String key) {
    this.session = session;
    this.key = key;
    this.keyBytes = Etcd.bytes(key);
    this.onLease = PutOption.builder().withLeaseId(session.leaseId()).build();
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
    TxnResponse response;
    try {
      response =
          Etcd.await(
              session
                  .client()
                  .getKVClient()
                  .txn()
                  // Free: nobody created the key (or its holder's lease expired).
                  .If(new Cmp(keyBytes, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                  // Take it, attached to our lease so that it vanishes if we crash.
                  .Then(
                      Op.put(
                          keyBytes,
                          Etcd.bytes(Holder.value(session.owner(), Instant.now())),
                          onLease))
                  // Taken: learn who holds it and since when, in the same round trip.
                  .Else(Op.get(keyBytes, GetOption.DEFAULT))
                  .commit(),
              session.requestTimeout(),
              "try to lock " + key);
    } catch (EtcdUnavailableException unknown) {
      return recover(unknown, wrap);
    }
    if (response.isSucceeded()) {
      return acquired(response.getHeader().getRevision(), wrap);
    }
    var kvs = response.getGetResponses().get(0).getKvs();
    if (kvs.isEmpty()) {
      return tryAcquire(wrap); // released between the compare and the read: impossible in one txn
    }
    return new TryResult.Taken(Holder.of(kvs.get(0)));
  }

  private TryResult acquired(long token, Function<SessionHeldLock, HeldLock> wrap) {
    if (!session.isAlive()) {
      // The lease may expire any moment: never report a lock we could lose unknowingly.
      Keys.deleteIfOursAsync(session, key, token);
      session.checkAlive();
    }
    return new TryResult.Acquired(wrap.apply(new SessionHeldLock(session, key, token)));
  }

  /**
   * The try's answer did not come: its put may have committed. Read the key back; a key on our
   * lease that no handle owns is the one we just put, so adopt it. If the read fails too, a
   * background sweep deletes such a key once etcd answers.
   */
  private TryResult recover(
      EtcdUnavailableException unknown, Function<SessionHeldLock, HeldLock> wrap) {
    Optional<KeyValue> kv;
    try {
      kv = Etcd.await(Keys.read(session, key), session.requestTimeout(), "read back " + key);
    } catch (EtcdUnavailableException e) {
      Keys.sweepLater(session, key);
      throw unknown;
    }
    if (kv.isEmpty()) {
      Keys.sweepLater(session, key); // the put may still be on its way
      throw unknown;
    }
    if (Keys.phantom(session, kv.get())) {
      return acquired(kv.get().getCreateRevision(), wrap);
    }
    return new TryResult.Taken(Holder.of(kv.get()));
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
    String waiterId = Etcd.hex(session.leaseId()) + "-" + WAITERS.incrementAndGet();
    return new FairAcquisition(session, key, waiterId, wrap);
  }

  private void awaitCleanup(CompletableFuture<Void> cleanup) {
    try {
      Etcd.await(cleanup, session.requestTimeout(), "leave the queue of " + key);
    } catch (LockException e) {
      // The waiter key is on our lease: it goes with the session at the latest.
    }
  }
}
