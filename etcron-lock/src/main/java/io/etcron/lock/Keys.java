package io.etcron.lock;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes on the keys a session holds: the compare-and-delete of a release, and the clean-up of a
 * key whose put had an unknown outcome (a phantom holder: a key on our lease that no {@link
 * HeldLock} owns).
 */
final class Keys {
  private static final Logger log = LoggerFactory.getLogger(Keys.class);

  private Keys() {}

  /**
   * Deletes {@code key}, a holder key whose name carries this session's lease: a plain delete,
   * which cannot touch another session's hold even if it arrives late. If its answer does not come,
   * later holds of this session take another name ({@link Session#deleteInFlight}), so it cannot
   * touch theirs either. Blocks, bounded by the request timeout.
   */
  static void delete(Session session, String key) {
    try {
      Etcd.await(send(session, key), session.requestTimeout(), "release " + key);
    } catch (EtcdUnavailableException unknown) {
      session.deleteInFlight();
      throw unknown;
    }
  }

  /** As {@link #delete}, without waiting for it (so later holds take another name); bounded. */
  static CompletableFuture<Void> deleteAsync(Session session, String key) {
    session.deleteInFlight();
    return send(session, key);
  }

  private static CompletableFuture<Void> send(Session session, String key) {
    return session
        .client()
        .getKVClient()
        .delete(Etcd.bytes(key), DeleteOption.DEFAULT)
        .orTimeout(session.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(r -> null);
  }

  /** Deletes {@code key} if its create revision is still {@code token}. Blocks. */
  static void deleteIfOurs(Session session, String key, long token) {
    // The bounded wait is the timeout: no timer task per release (they pile up in the JDK's one
    // delay queue until they would have fired, which costs at thousands of releases a second).
    Etcd.await(deleteTxn(session, key, token), session.requestTimeout(), "release " + key);
  }

  /** Deletes {@code key} if its create revision is still {@code token}; bounded. */
  static CompletableFuture<TxnResponse> deleteIfOursAsync(Session session, String key, long token) {
    return deleteTxn(session, key, token)
        .orTimeout(session.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private static CompletableFuture<TxnResponse> deleteTxn(Session session, String key, long token) {
    ByteSequence k = Etcd.bytes(key);
    return session
        .client()
        .getKVClient()
        .txn()
        // Still ours: a key re-created by a later holder has a larger create revision.
        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(token)))
        .Then(Op.delete(k, DeleteOption.DEFAULT))
        .commit();
  }

  /** Reads {@code key} once, bounded by the request timeout. */
  static CompletableFuture<Optional<KeyValue>> read(Session session, String key) {
    return session
        .client()
        .getKVClient()
        .get(Etcd.bytes(key), GetOption.DEFAULT)
        .orTimeout(session.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(r -> r.getKvs().stream().findFirst());
  }

  /** Whether {@code kv} carries the session's lease but no live {@link HeldLock} owns it. */
  static boolean phantom(Session session, KeyValue kv) {
    String key = Etcd.string(kv.getKey());
    long revision = kv.getCreateRevision();
    return kv.getLease() == session.leaseId()
        && !session.anyMember(m -> m instanceof SessionHeldLock h && h.holds(key, revision));
  }

  /**
   * In the background, until etcd answers or the session ends: deletes {@code key} if it is a
   * phantom of {@code session} (a write on it may have committed without our knowing).
   */
  static void sweepLater(Session session, String key) {
    Etcd.retryLater(() -> sweep(session, key));
  }

  private static void sweep(Session session, String key) {
    if (!session.isAlive()) {
      return; // the key goes with the lease
    }
    read(session, key)
        .thenCompose(
            kv -> {
              if (kv.isPresent() && phantom(session, kv.get())) {
                log.info("deleting {}, left on lease {} by an unanswered write", key, session);
                return deleteIfOursAsync(session, key, kv.get().getCreateRevision())
                    .thenApply(r -> null);
              }
              return CompletableFuture.completedFuture(null);
            })
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                sweepLater(session, key);
              }
            });
  }
}
