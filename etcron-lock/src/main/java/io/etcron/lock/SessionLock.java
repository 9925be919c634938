package io.etcron.lock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Lock} on one key, held with a session's lease. Thread-safe. */
final class SessionLock implements Lock {
  private static final AtomicLong WAITERS = new AtomicLong();

  private final Session session;
  private final String key;
  private final boolean revokeOnRelease;

  SessionLock(Session session, String prefix, String name) {
    this(session, prefix + name, false);
  }

  SessionLock(Session session, String key, boolean revokeOnRelease) {
    this.session = session;
    this.key = key;
    this.revokeOnRelease = revokeOnRelease;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public TryResult tryAcquire() {
    session.checkAlive();
    ByteSequence k = Etcd.bytes(key);
    TxnResponse response =
        Etcd.await(
            session
                .client()
                .getKVClient()
                .txn()
                // Free: nobody created the key (or its holder's lease expired).
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                // Take it, attached to our lease so that it vanishes if we crash.
                .Then(
                    Op.put(
                        k,
                        Etcd.bytes(Holder.value(session.owner(), Instant.now())),
                        PutOption.builder().withLeaseId(session.leaseId()).build()))
                // Taken: learn who holds it and since when, in the same round trip.
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(),
            session.requestTimeout(),
            "try to lock " + key);
    if (response.isSucceeded()) {
      long token = response.getHeader().getRevision();
      if (!session.isAlive()) {
        // The lease may expire any moment: never report a lock we could lose unknowingly.
        deleteIfOursAsync(session, key, token);
        session.checkAlive();
      }
      return new TryResult.Acquired(new HeldLock(session, key, token, revokeOnRelease));
    }
    var kvs = response.getGetResponses().get(0).getKvs();
    if (kvs.isEmpty()) {
      return tryAcquire(); // released between the compare and the read: impossible in one txn
    }
    return new TryResult.Taken(Holder.of(kvs.get(0)));
  }

  @Override
  public HeldLock acquire(Duration timeout) {
    session.checkAlive();
    FairAcquisition acquisition = newAcquisition();
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
    session.checkAlive();
    return newAcquisition().start();
  }

  private FairAcquisition newAcquisition() {
    String waiterId = Etcd.hex(session.leaseId()) + "-" + WAITERS.incrementAndGet();
    return new FairAcquisition(session, key, waiterId);
  }

  private void awaitCleanup(CompletableFuture<Void> cleanup) {
    try {
      Etcd.await(cleanup, session.requestTimeout(), "leave the queue of " + key);
    } catch (LockException e) {
      // The waiter key is on our lease: it goes with the session at the latest.
    }
  }

  /** Deletes {@code key} if its create revision is still {@code token}. Blocks. */
  static void deleteIfOurs(Session session, String key, long token) {
    Etcd.await(deleteIfOursAsync(session, key, token), session.requestTimeout(), "release " + key);
  }

  /** Deletes {@code key} if its create revision is still {@code token}. */
  static CompletableFuture<TxnResponse> deleteIfOursAsync(Session session, String key, long token) {
    ByteSequence k = Etcd.bytes(key);
    return session
        .client()
        .getKVClient()
        .txn()
        // Still ours: a key re-created by a later holder has a larger create revision.
        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(token)))
        .Then(Op.delete(k, DeleteOption.DEFAULT))
        .commit()
        .orTimeout(session.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }
}
