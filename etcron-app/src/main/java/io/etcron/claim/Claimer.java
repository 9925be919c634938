package io.etcron.claim;

import static io.etcron.store.Keys.bytes;
import static io.etcron.store.Keys.string;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcron.job.ConcurrencyPolicy;
import io.etcron.json.Json;
import io.etcron.lock.EtcdUnavailableException;
import io.etcron.store.ClaimRecord;
import io.etcron.store.CursorHistory;
import io.etcron.store.EtcdCalls;
import io.etcron.store.EtcdRequestException;
import io.etcron.store.Keys;
import io.etcron.store.KillRequest;
import io.etcron.store.TriggerRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims fires with one etcd transaction per batch. The outer transaction has no compare; its Then
 * branch holds one nested transaction per fire, each with its own compare, so each fire succeeds or
 * fails on its own while etcd sees one Raft proposal per batch.
 *
 * <pre>
 * scheduled fire T of job J, whose previous fire is P:
 *   If   Value(cursor/J) &lt; pad(T) [and Value(cursor/J) &gt;= pad(P), unless catching up]
 *   Then [Get(cursor/J) when catching up], Put(cursor/J, pad(T)), &lt;policy&gt;
 *   Else Get(cursor/J)
 * manual fire:
 *   If   CreateRevision(triggers/J/id) &gt; 0
 *   Then Delete(triggers/J/id), &lt;policy&gt;   -- the request's value (its parameters) is the
 *                                               fire's: written once, deleted by this claim
 * policy forbid:  Txn(If CreateRevision(locks/J) == 0 Then Put(locks/J, run, lease) Else Get(locks/J))
 * policy replace: Put(locks/J, run, lease), Put(kill/J, ...)  -- kills runs claimed before
 * policy allow:   nothing
 * every claim also puts claims/&lt;run id&gt; = {worker, lease, run} (no lease): its evidence
 * </pre>
 *
 * <p>etcd refuses a transaction with more operations than its {@code --max-txn-ops} (128 by
 * default); the batch size starts at {@link #DEFAULT_BATCH} and halves when refused. Thread-safe;
 * blocks for at most the request timeout per batch.
 */
public final class Claimer {
  private static final Logger log = LoggerFactory.getLogger(Claimer.class);

  /** Fires per transaction to start with. */
  public static final int DEFAULT_BATCH = 100;

  private final Client client;
  private final Keys keys;
  private final Duration timeout;
  private final Clock clock;
  private final AtomicInteger batchSize;

  public Claimer(Client client, Keys keys, Duration timeout, Clock clock, int batchSize) {
    this.client = client;
    this.keys = keys;
    this.timeout = timeout;
    this.clock = clock;
    this.batchSize = new AtomicInteger(batchSize);
  }

  /**
   * Claims {@code fires} for {@code worker}, whose runs hold their locks with {@code leaseId}.
   * Returns one {@link Claim} per fire, in time order, and never throws for etcd's sake: each batch
   * is answered on its own, so what committed is kept. A batch without an answer gives {@link
   * Claim.Outcome#UNKNOWN} claims, to be read back with {@link #resolve}; a later fire of a job
   * whose earlier fire is not settled is not sent ({@link Claim.Outcome#RETRY}), since its in-order
   * compare depends on it.
   */
  public List<Claim> claim(List<Fire> fires, String worker, long leaseId) {
    List<Claim> claims = new ArrayList<>(fires.size());
    Set<String> unsettled = new HashSet<>();
    for (List<Fire> round : rounds(fires)) {
      List<Fire> send = new ArrayList<>();
      for (Fire f : round) {
        if (unsettled.contains(f.jobName())) {
          claims.add(Claim.of(f, Claim.Outcome.RETRY));
        } else {
          send.add(f);
        }
      }
      for (Claim c : claimRound(send, worker, leaseId)) {
        claims.add(c);
        if (c.outcome() == Claim.Outcome.UNKNOWN || c.outcome() == Claim.Outcome.RETRY) {
          unsettled.add(c.fire().jobName());
        }
      }
    }
    return claims;
  }

  /**
   * Settles claims whose answer was lost, by reading back their {@code claims/} keys: a key on
   * {@code leaseId} means this worker owns the fire (its create revision is the fencing token);
   * none, with the cursor (or the trigger) still open, means the claim did not commit. Returns one
   * claim per fire, {@link Claim.Outcome#OWNED}, {@link Claim.Outcome#TAKEN} or {@link
   * Claim.Outcome#RETRY}. A read-only transaction per batch: no Raft proposal.
   *
   * @throws EtcdUnavailableException when etcd does not answer: nothing is settled, try again
   */
  public List<Claim> resolve(List<Fire> fires, long leaseId) {
    int size = batchSize.get();
    List<Claim> claims = new ArrayList<>(fires.size());
    for (int from = 0; from < fires.size(); from += size) {
      List<Fire> batch = fires.subList(from, Math.min(fires.size(), from + size));
      List<Op> reads = new ArrayList<>();
      for (Fire f : batch) {
        reads.add(Op.get(bytes(keys.claim(f.runId().toString())), GetOption.DEFAULT));
        reads.add(
            Op.get(bytes(f.triggerKey().orElse(keys.cursor(f.jobName()))), GetOption.DEFAULT));
        reads.add(Op.get(bytes(keys.lock(f.jobName())), GetOption.DEFAULT));
      }
      TxnResponse response =
          awaitRound(client.getKVClient().txn().Then(reads.toArray(Op[]::new)).commit());
      for (int i = 0; i < batch.size(); i++) {
        Claim c =
            resolved(
                batch.get(i),
                first(response, 3 * i),
                first(response, 3 * i + 1),
                first(response, 3 * i + 2),
                leaseId);
        if (c.owned() && c.fire().byCursor() && !inOrder(c.fire())) {
          // A catch-up read the old cursor in the lost answer: read it as it was just before.
          c =
              new Claim(
                  c.fire(),
                  c.outcome(),
                  c.fencingToken(),
                  CursorHistory.before(client, keys, c.fire().jobName(), c.fencingToken(), timeout),
                  c.busyWith());
        }
        claims.add(c);
      }
    }
    return claims;
  }

  private static Optional<KeyValue> first(TxnResponse response, int index) {
    return response.getGetResponses().get(index).getKvs().stream().findFirst();
  }

  private static Claim resolved(
      Fire fire,
      Optional<KeyValue> claim,
      Optional<KeyValue> cursorOrTrigger,
      Optional<KeyValue> lock,
      long leaseId) {
    if (claim.isPresent()) {
      ClaimRecord record = Json.read(string(claim.get().getValue()), ClaimRecord.class);
      if (record.lease() != leaseId) {
        return Claim.of(fire, Claim.Outcome.TAKEN);
      }
      Optional<String> busyWith = Optional.empty();
      if (fire.job().concurrency() == ConcurrencyPolicy.FORBID) {
        String mine = fire.runId().toString();
        // Our claim took the lock unless another run held it; the lock is on our live lease.
        String holder = lock.map(Claimer::holderRun).orElse("unknown");
        busyWith = holder.equals(mine) ? Optional.empty() : Optional.of(holder);
      }
      Optional<Instant> previous =
          fire.byCursor() && inOrder(fire) ? fire.previous() : Optional.empty();
      return new Claim(
          fire, Claim.Outcome.OWNED, claim.get().getCreateRevision(), previous, busyWith);
    }
    boolean open =
        fire.triggerKey().isPresent()
            ? cursorOrTrigger.isPresent()
            : cursorOrTrigger.isEmpty()
                || Keys.unpad(string(cursorOrTrigger.get().getValue())).isBefore(fire.time());
    return Claim.of(fire, open ? Claim.Outcome.RETRY : Claim.Outcome.TAKEN);
  }

  /**
   * Deletes the claim evidence of {@code run} once its first record is stored. Completes
   * exceptionally when etcd does not answer within the request timeout (try again).
   */
  public CompletableFuture<Void> forget(String run) {
    return client
        .getKVClient()
        .delete(bytes(keys.claim(run)))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(r -> null);
  }

  /**
   * Keeps the fires that are still unclaimed, read with one read-only transaction (etcd serves it
   * without a Raft proposal, unlike a claim whose compare fails). Worth it for late fires, which
   * others have probably claimed already.
   *
   * @throws EtcdUnavailableException when etcd does not answer
   */
  public List<Fire> stillUnclaimed(List<Fire> fires) {
    int size = batchSize.get();
    List<CompletableFuture<TxnResponse>> sent = new ArrayList<>();
    for (int from = 0; from < fires.size(); from += size) {
      Op[] reads =
          fires.subList(from, Math.min(fires.size(), from + size)).stream()
              .map(
                  f ->
                      Op.get(
                          bytes(f.triggerKey().orElse(keys.cursor(f.jobName()))),
                          GetOption.DEFAULT))
              .toArray(Op[]::new);
      sent.add(client.getKVClient().txn().Then(reads).commit());
    }
    List<Fire> open = new ArrayList<>();
    for (int b = 0; b < sent.size(); b++) {
      TxnResponse response = awaitRound(sent.get(b));
      for (int i = 0; i < response.getGetResponses().size(); i++) {
        Fire f = fires.get(b * size + i);
        List<KeyValue> kvs = response.getGetResponses().get(i).getKvs();
        boolean unclaimed =
            f.triggerKey().isPresent()
                ? !kvs.isEmpty()
                : kvs.isEmpty() || Keys.unpad(string(kvs.get(0).getValue())).isBefore(f.time());
        if (unclaimed) {
          open.add(f);
        }
      }
    }
    return open;
  }

  /**
   * Splits fires so that no job appears twice in one transaction (etcd refuses two writes of one
   * key in a transaction): round k holds the k-th fire of each job, so a job's fires are claimed in
   * time order.
   */
  static List<List<Fire>> rounds(List<Fire> fires) {
    List<Fire> sorted = new ArrayList<>(fires);
    sorted.sort(Comparator.comparing(Fire::time));
    Map<String, Integer> seen = new HashMap<>();
    List<List<Fire>> rounds = new ArrayList<>();
    for (Fire f : sorted) {
      int k = seen.merge(f.jobName(), 1, Integer::sum) - 1;
      while (rounds.size() <= k) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(k).add(f);
    }
    return rounds;
  }

  /**
   * Claims one round: its batches are sent at once and answered independently (each fire of a round
   * belongs to another job), so a large round costs about one round trip, not one per batch.
   */
  private List<Claim> claimRound(List<Fire> fires, String worker, long leaseId) {
    int size = batchSize.get();
    List<List<Fire>> batches = new ArrayList<>();
    List<Fire> single = fires.stream().filter(f -> !f.isBroadcast()).toList();
    for (int from = 0; from < single.size(); from += size) {
      batches.add(single.subList(from, Math.min(single.size(), from + size)));
    }
    // A broadcast fire writes a request per worker: alone in its transaction, it never makes the
    // others' batches shrink.
    fires.stream().filter(Fire::isBroadcast).forEach(f -> batches.add(List.of(f)));
    List<CompletableFuture<TxnResponse>> sent = new ArrayList<>();
    for (List<Fire> batch : batches) {
      Op[] ops = batch.stream().map(f -> claimOp(f, worker, leaseId)).toArray(Op[]::new);
      sent.add(client.getKVClient().txn().Then(ops).commit());
    }
    List<Claim> claims = new ArrayList<>(fires.size());
    for (int b = 0; b < batches.size(); b++) {
      List<Fire> batch = batches.get(b);
      try {
        claims.addAll(outcomes(batch, awaitRound(sent.get(b))));
      } catch (TooManyOps e) {
        if (batch.size() == 1) {
          log.warn("etcd refuses even a single claim: {}", e.getMessage());
          batch.forEach(f -> claims.add(Claim.of(f, Claim.Outcome.RETRY)));
          continue;
        }
        batchSize.compareAndSet(size, Math.max(1, size / 2));
        log.info(
            "etcd refused {} claims in one transaction; batches of {} from now on",
            batch.size(),
            batchSize.get());
        claims.addAll(claimRound(batch, worker, leaseId));
      } catch (EtcdUnavailableException e) {
        // It may have committed: only reading the claims back tells.
        log.warn("no answer to {} claims, reading them back: {}", batch.size(), e.getMessage());
        batch.forEach(f -> claims.add(Claim.of(f, Claim.Outcome.UNKNOWN)));
      }
    }
    return claims;
  }

  /** The current batch size (it shrinks when etcd refuses a batch). */
  public int batchSize() {
    return batchSize.get();
  }

  private static List<Claim> outcomes(List<Fire> batch, TxnResponse response) {
    long revision = response.getHeader().getRevision();
    List<TxnResponse> perFire = response.getTxnResponses();
    List<Claim> claims = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      claims.add(outcome(batch.get(i), perFire.get(i), revision));
    }
    return claims;
  }

  private Op claimOp(Fire fire, String worker, long leaseId) {
    String job = fire.jobName();
    List<Op> policy = policyOps(fire, worker, leaseId);
    // Durable evidence of the claim (no lease): read back after a lost answer, and swept into a
    // LOST record if this worker dies before the fire's first record is stored. A broadcast fire
    // is no run: its requests, one per worker, are what the claim leaves.
    List<Op> evidence =
        fire.isBroadcast()
            ? shardRequests(fire, worker)
            : List.of(
                Op.put(
                    bytes(keys.claim(fire.runId().toString())),
                    bytes(
                        Json.write(
                            new ClaimRecord(
                                worker, leaseId, fire.runId().toString(), fire.params()))),
                    PutOption.DEFAULT));
    if (fire.triggerKey().isPresent()) {
      ByteSequence request = bytes(fire.triggerKey().orElseThrow());
      List<Op> then = new ArrayList<>();
      then.add(Op.delete(request, DeleteOption.DEFAULT));
      then.addAll(evidence);
      then.addAll(policy);
      return Op.txn(
          new Cmp[] {new Cmp(request, Cmp.Op.GREATER, CmpTarget.createRevision(0))},
          then.toArray(Op[]::new),
          new Op[] {});
    }
    ByteSequence cursor = bytes(keys.cursor(job));
    ByteSequence padded = bytes(Keys.pad(fire.time()));
    List<Cmp> compares = new ArrayList<>();
    // Nobody claimed this fire yet: the cursor only moves forward.
    compares.add(new Cmp(cursor, Cmp.Op.LESS, CmpTarget.value(padded)));
    if (inOrder(fire)) {
      // In order: the fire before it is claimed, so this claim never jumps over a fire that a
      // slower worker is about to claim (clocks may disagree by more than a period).
      compares.add(
          new Cmp(
              cursor,
              Cmp.Op.GREATER,
              CmpTarget.value(bytes(Keys.pad(fire.previous().get().minusMillis(1))))));
    }
    List<Op> then = new ArrayList<>();
    if (!inOrder(fire)) {
      // The old cursor: the fires between it and T were claimed by nobody. An in-order claim
      // needs no read: its compare says the cursor was at the previous fire.
      then.add(Op.get(cursor, GetOption.DEFAULT));
    }
    then.add(Op.put(cursor, padded, PutOption.DEFAULT));
    then.addAll(evidence);
    then.addAll(policy);
    return Op.txn(
        compares.toArray(Cmp[]::new),
        then.toArray(Op[]::new),
        new Op[] {Op.get(cursor, GetOption.DEFAULT)});
  }

  /**
   * The requests of a broadcast fire's runs, one per worker the fire is claimed for, each naming
   * its worker, index and count, so that only that worker claims it (by deleting it).
   */
  private List<Op> shardRequests(Fire fire, String claimer) {
    List<Op> puts = new ArrayList<>();
    List<String> workers = fire.shardWorkers().isEmpty() ? List.of(claimer) : fire.shardWorkers();
    for (int i = 0; i < workers.size(); i++) {
      TriggerRequest request =
          new TriggerRequest(
              fire.time(),
              "broadcast by " + claimer,
              fire.params(),
              workers.get(i),
              i,
              workers.size());
      puts.add(
          Op.put(
              bytes(keys.shardTrigger(fire.jobName(), fire.runId(), i)),
              bytes(Json.write(request)),
              PutOption.DEFAULT));
    }
    return puts;
  }

  private List<Op> policyOps(Fire fire, String worker, long leaseId) {
    ConcurrencyPolicy policy = fire.job().concurrency();
    if (policy == ConcurrencyPolicy.ALLOW) {
      return List.of();
    }
    String job = fire.jobName();
    ByteSequence lock = bytes(keys.lock(job));
    ByteSequence holder =
        bytes(Json.write(new LockHolder(worker, fire.runId().toString(), fire.time())));
    PutOption withLease = PutOption.builder().withLeaseId(leaseId).build();
    if (policy == ConcurrencyPolicy.REPLACE) {
      KillRequest kill =
          new KillRequest(clock.instant(), List.of(), worker, "replaced by run " + fire.runId());
      return List.of(
          Op.put(lock, holder, withLease),
          Op.put(bytes(keys.kill(job)), bytes(Json.write(kill)), PutOption.DEFAULT));
    }
    return List.of(
        Op.txn(
            new Cmp[] {new Cmp(lock, Cmp.Op.EQUAL, CmpTarget.createRevision(0))},
            new Op[] {Op.put(lock, holder, withLease)},
            new Op[] {Op.get(lock, GetOption.DEFAULT)}));
  }

  /** Claimed in order: only once the cursor has reached the previous fire. */
  private static boolean inOrder(Fire fire) {
    return fire.previous().isPresent() && !fire.catchUp();
  }

  private static Claim outcome(Fire fire, TxnResponse r, long revision) {
    if (!r.isSucceeded()) {
      return Claim.of(fire, Claim.Outcome.TAKEN);
    }
    Optional<Instant> previous = Optional.empty();
    if (fire.byCursor()) {
      previous =
          inOrder(fire)
              ? fire.previous()
              : r.getGetResponses().get(0).getKvs().stream()
                  .findFirst()
                  .map(kv -> Keys.unpad(string(kv.getValue())));
    }
    Optional<String> busyWith = Optional.empty();
    if (fire.job().concurrency() == ConcurrencyPolicy.FORBID) {
      TxnResponse lock = r.getTxnResponses().get(0);
      if (!lock.isSucceeded()) {
        busyWith =
            lock.getGetResponses().get(0).getKvs().stream()
                .findFirst()
                .map(Claimer::holderRun)
                .or(() -> Optional.of("unknown"));
      }
    }
    return new Claim(fire, Claim.Outcome.OWNED, revision, previous, busyWith);
  }

  /** The run named by a lock's value; "unknown" when it cannot be read (a newer format). */
  private static String holderRun(KeyValue kv) {
    try {
      return Json.read(string(kv.getValue()), LockHolder.class).run();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * Waits for a claim round's transaction. etcd refuses a batch that is too large with
   * INVALID_ARGUMENT ("too many operations", "request is too large"): that becomes {@link
   * TooManyOps}, and the batch is split. Any other refusal committed nothing; it is handled like no
   * answer (read back, then claimed again), so no fire is dropped.
   */
  private TxnResponse awaitRound(CompletableFuture<TxnResponse> pending) {
    try {
      return EtcdCalls.await(pending, timeout, "claim fires");
    } catch (EtcdRequestException e) {
      if (e.code().equals("INVALID_ARGUMENT") || e.tooLarge()) {
        throw new TooManyOps(e.getMessage());
      }
      throw new EtcdUnavailableException(e.getMessage(), e);
    }
  }

  /** etcd refused the batch for its size. */
  private static final class TooManyOps extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooManyOps(String message) {
      super(message);
    }
  }
}
