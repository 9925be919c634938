package io.etcron.lock;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One waiting acquisition of a {@link SessionLock}, as an asynchronous state machine.
 *
 * <ol>
 *   <li>Enqueue: put the waiter key {@code <key>/queue/<lease>-<n>}; its create revision is our
 *       place in line.
 *   <li>Wait until no older waiter remains ({@link QueueHead}).
 *   <li>Claim: {@code If(no key under <key>/holder/ && CreateRevision(waiter) == ours) Then(Put(our
 *       holder key), Delete(waiter))}; while someone holds the lock (a try-lock may overtake),
 *       watch the deletion of its holder key and claim again.
 * </ol>
 *
 * <p>Only the head of the queue claims, and it leaves the queue in the same transaction, so waiters
 * acquire in the order they enqueued. Cancelling runs after any write in flight and removes the
 * waiter key (and the lock, had the claim just succeeded). Thread-safe.
 */
final class FairAcquisition implements Session.Member {
  private final Session session;
  private final Function<SessionHeldLock, HeldLock> wrap;
  private final KV kv;
  private final String key;
  private final String queuePrefix;
  private final String waiterKey;
  private final String holders;

  /** The holder key of our latest claim (named when it is sent: see {@link Session#holderName}). */
  private volatile String holderKey;

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final CompletableFuture<HeldLock> result = new CompletableFuture<>();
  private CompletableFuture<?> lastWrite = CompletableFuture.completedFuture(null);
  private CompletableFuture<Void> cleanup;
  private long place;
  private QueueHead head;
  private KeyWatch holderWatch;
  private volatile Holder lastHolder;

  /**
   * @param waiterKey our key in the queue, under {@link #queueOf}
   */
  FairAcquisition(
      Session session, String key, String waiterKey, Function<SessionHeldLock, HeldLock> wrap) {
    this.session = session;
    this.wrap = wrap;
    this.kv = session.client().getKVClient();
    this.key = key;
    this.queuePrefix = queueOf(key);
    this.waiterKey = waiterKey;
    this.holders = SessionLock.holdersOf(key);
  }

  /** The prefix under which the waiters for lock {@code key} queue. */
  static String queueOf(String key) {
    return key + "/queue/";
  }

  /** Starts; the future completes with the held lock, or fails or is cancelled. */
  CompletableFuture<HeldLock> start() {
    session.join(this);
    result.whenComplete(
        (held, error) -> {
          session.leave(this);
          if (error != null) {
            abort();
          }
        });
    enqueue();
    return result;
  }

  @Override
  public void sessionEnded(SessionEnd end) {
    fail(new SessionLostException("session lost while waiting for " + key + ": " + end.detail()));
  }

  /** The holder seen last while waiting, if any. */
  Holder lastHolder() {
    return lastHolder;
  }

  /**
   * Leaves the queue: after any write in flight, deletes the waiter key and releases the lock if
   * the claim won meanwhile. Idempotent; the future completes when etcd has done so.
   */
  synchronized CompletableFuture<Void> abort() {
    if (cleanup != null) {
      return cleanup;
    }
    result.cancel(false);
    if (head != null) {
      head.cancel();
    }
    if (holderWatch != null) {
      holderWatch.close();
    }
    long queuedAt = place;
    cleanup =
        lastWrite
            .handle((ignored, error) -> null)
            .thenCompose(ignored -> leave(queuedAt))
            .orTimeout(session.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return cleanup;
  }

  /**
   * Deletes the waiter key; if it is gone already, a claim whose answer was lost may have won, so
   * our holder key is deleted too unless a handle owns it.
   */
  private CompletableFuture<Void> leave(long queuedAt) {
    var waiter = Etcd.bytes(waiterKey);
    if (queuedAt == 0) {
      // Our place is unknown (the enqueue had no answer): no claim was sent.
      return kv.delete(waiter, DeleteOption.DEFAULT).thenApply(ignored -> null);
    }
    return kv.txn()
        // Still queued: leave the queue; no claim of ours won.
        .If(new Cmp(waiter, Cmp.Op.EQUAL, CmpTarget.createRevision(queuedAt)))
        .Then(Op.delete(waiter, DeleteOption.DEFAULT))
        // Gone: only our own winning claim deletes it (or the lease went). Look for our hold.
        .Else(
            Op.get(
                Etcd.bytes(holderKey == null ? session.holderName(holders) : holderKey),
                GetOption.DEFAULT))
        .commit()
        .thenCompose(
            response -> {
              if (response.isSucceeded()) {
                return DONE;
              }
              List<KeyValue> ours = response.getGetResponses().get(0).getKvs();
              if (!ours.isEmpty() && Keys.phantom(session, ours.get(0))) {
                long revision = ours.get(0).getCreateRevision();
                return Keys.deleteIfOursAsync(session, Etcd.string(ours.get(0).getKey()), revision)
                    .thenApply(ignored -> null);
              }
              return DONE;
            });
  }

  private synchronized boolean over() {
    return cleanup != null || result.isDone();
  }

  private void enqueue() {
    var waiter = Etcd.bytes(waiterKey);
    // Put-if-absent, so a retry after an unknown outcome keeps our original place in line.
    write(
        () ->
            kv.txn()
                .If(new Cmp(waiter, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(
                    Op.put(waiter, Etcd.bytes(value()), lease()), Op.get(waiter, GetOption.DEFAULT))
                .Else(Op.get(waiter, GetOption.DEFAULT))
                .commit(),
        this::enqueued,
        this::enqueue);
  }

  private CompletableFuture<?> enqueued(TxnResponse response) {
    List<KeyValue> kvs = response.getGetResponses().get(0).getKvs();
    if (kvs.isEmpty()) {
      fail(new SessionLostException("waiter key " + waiterKey + " vanished: its lease is gone"));
      return DONE;
    }
    QueueHead wait;
    synchronized (this) {
      if (over()) {
        return DONE;
      }
      place = kvs.get(0).getCreateRevision();
      head = new QueueHead(session, queuePrefix, place);
      wait = head;
    }
    wait.await().thenRun(this::claim);
    return DONE;
  }

  private void claim() {
    String name = session.holderName(holders);
    holderKey = name;
    var mine = Etcd.bytes(name);
    var waiter = Etcd.bytes(waiterKey);
    write(
        () ->
            kv.txn()
                // The lock is free, and we are still the queue entry that reached the head.
                .If(
                    Etcd.noKeyUnder(holders),
                    new Cmp(waiter, Cmp.Op.EQUAL, CmpTarget.createRevision(place)))
                // Take the lock and leave the queue at once: the next waiter wakes as we win.
                .Then(
                    Op.put(mine, Etcd.bytes(value()), lease()),
                    Op.delete(waiter, DeleteOption.DEFAULT))
                // Otherwise learn who holds it, and whether we are still queued.
                .Else(
                    Op.get(Etcd.bytes(holders), Etcd.oldestUnder(holders)),
                    Op.get(waiter, GetOption.DEFAULT))
                .commit(),
        response -> claimed(response, name),
        this::claim);
  }

  private CompletableFuture<?> claimed(TxnResponse response, String name) {
    if (response.isSucceeded()) {
      return won(name, response.getHeader().getRevision());
    }
    List<KeyValue> holder = response.getGetResponses().get(0).getKvs();
    List<KeyValue> waiter = response.getGetResponses().get(1).getKvs();
    KeyValue h = holder.isEmpty() ? null : holder.get(0);
    if (waiter.isEmpty()) {
      // Only our own claim deletes our waiter key together with putting the lock: a claim whose
      // answer was lost may have won. Otherwise our lease is gone.
      if (h != null && h.getLease() == session.leaseId() && Keys.phantom(session, h)) {
        return won(Etcd.string(h.getKey()), h.getCreateRevision());
      }
      fail(new SessionLostException("waiter key " + waiterKey + " vanished: its lease is gone"));
      return DONE;
    }
    if (h == null) {
      claim();
      return DONE;
    }
    lastHolder = Holder.of(h);
    synchronized (this) {
      if (!over()) {
        holderWatch =
            KeyWatch.onDelete(
                session.client(),
                Etcd.string(h.getKey()),
                response.getHeader().getRevision() + 1,
                this::claim);
      }
    }
    return DONE;
  }

  private CompletableFuture<?> won(String name, long token) {
    SessionHeldLock held = new SessionHeldLock(session, name, token);
    if (result.complete(wrap.apply(held))) {
      return DONE;
    }
    // Cancelled while the claim was in flight: give the lock back before the cleanup completes.
    held.markReleased();
    return Keys.deleteAsync(session, name);
  }

  private void fail(Throwable error) {
    result.completeExceptionally(error);
  }

  /**
   * Sends a write unless the acquisition is over, and handles its answer. On a transient failure it
   * retries after a short pause while the acquisition is wanted and the session alive. The write
   * and its handling become {@code lastWrite}, which a cleanup waits for.
   */
  private synchronized void write(
      Supplier<CompletableFuture<TxnResponse>> send,
      Function<TxnResponse, CompletableFuture<?>> onAnswer,
      Runnable retry) {
    if (over()) {
      return;
    }
    lastWrite =
        send.get()
            .orTimeout(session.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .handle(
                (response, error) -> {
                  if (error == null) {
                    return onAnswer.apply(response);
                  }
                  if (!Etcd.outcomeUnknown(error)) {
                    fail(Etcd.failure(error, "wait for " + key));
                  } else if (!over() && session.isAlive()) {
                    Etcd.retryLater(retry);
                  }
                  return DONE;
                })
            .thenCompose(pending -> pending);
  }

  private String value() {
    return Holder.value(session.owner(), Instant.now());
  }

  private PutOption lease() {
    return PutOption.builder().withLeaseId(session.leaseId()).build();
  }
}
