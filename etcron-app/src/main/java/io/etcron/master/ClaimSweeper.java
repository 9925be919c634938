package io.etcron.master;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcron.job.Job;
import io.etcron.json.Json;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import io.etcron.run.RunStore;
import io.etcron.run.Trigger;
import io.etcron.schedule.Fires;
import io.etcron.store.ClaimRecord;
import io.etcron.store.CursorHistory;
import io.etcron.store.EtcdCalls;
import io.etcron.store.EtcdJobStore;
import io.etcron.store.Keys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns claims whose worker died before storing the fire's first record into LOST records, so that
 * every claimed fire ends in a record (G3). A claim ({@code claims/<run id>}) names the claiming
 * session's lease; once that lease is gone from etcd, its worker can no longer record or run the
 * fire (a worker gives up its runs before its lease can expire), so the sweeper records the fire
 * LOST unless a record exists, then deletes the claim. Reads {@code claims/} in pages of {@link
 * #PAGE} at one revision. Not thread-safe: called from the sweeper's thread only.
 */
final class ClaimSweeper {
  private static final Logger log = LoggerFactory.getLogger(ClaimSweeper.class);

  /** Keys read per request. */
  static final int PAGE = 500;

  private final Client client;
  private final Keys keys;
  private final RunStore runs;
  private final Clock clock;
  private final Duration timeout;

  /** At most this many gap fires get a MISSED record per leftover claim. */
  private static final int MAX_MISSED_RECORDS = 10_000;

  ClaimSweeper(Client client, Keys keys, RunStore runs, Clock clock, Duration timeout) {
    this.client = client;
    this.keys = keys;
    this.runs = runs;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** One pass over {@code claims/}; returns how many claims it settled. */
  int sweep() {
    Map<Long, Boolean> leaseAlive = new HashMap<>();
    ByteSequence prefix = Keys.bytes(keys.claims());
    ByteSequence end = Keys.bytes(keys.claims().substring(0, keys.claims().length() - 1) + "0");
    ByteSequence from = prefix;
    long revision = 0;
    int settled = 0;
    while (true) {
      GetOption.Builder page =
          GetOption.builder()
              .withRange(end)
              .withLimit(PAGE)
              .withSortField(GetOption.SortTarget.KEY);
      if (revision > 0) {
        page.withRevision(revision);
      }
      GetResponse r =
          EtcdCalls.await(client.getKVClient().get(from, page.build()), timeout, "sweep claims");
      if (revision == 0) {
        revision = r.getHeader().getRevision();
      }
      List<KeyValue> kvs = r.getKvs();
      for (KeyValue kv : kvs) {
        if (settle(kv, leaseAlive)) {
          settled++;
        }
      }
      if (!r.isMore() || kvs.isEmpty()) {
        return settled;
      }
      from = Keys.bytes(Keys.string(kvs.get(kvs.size() - 1).getKey()) + "\0");
    }
  }

  private boolean settle(KeyValue kv, Map<Long, Boolean> leaseAlive) {
    ClaimRecord claim;
    RunId id;
    try {
      claim = Json.read(Keys.string(kv.getValue()), ClaimRecord.class);
      id = RunId.parse(claim.run());
    } catch (RuntimeException e) {
      log.warn("removing unreadable claim {}: {}", Keys.string(kv.getKey()), e.getMessage());
      delete(kv);
      return false;
    }
    boolean alive =
        leaseAlive.computeIfAbsent(
            claim.lease(),
            lease ->
                EtcdCalls.await(
                            client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT),
                            timeout,
                            "sweep claims")
                        .getTTL()
                    > 0);
    if (alive) {
      return false; // its worker records it, or loses its lease first
    }
    List<Run> records = new ArrayList<>();
    for (Instant gap : gap(id, kv.getCreateRevision())) {
      RunId missed = new RunId(id.job(), gap, Trigger.SCHEDULE);
      if (runs.get(missed).isEmpty()) {
        records.add(
            Run.missed(
                missed,
                claim.worker(),
                kv.getCreateRevision(),
                "missed: no worker claimed it in time; "
                    + claim.worker()
                    + " caught up with a later fire and ended before recording this one",
                clock.instant()));
      }
    }
    if (runs.get(id).isEmpty()) {
      records.add(
          Run.notStarted(
                  RunState.LOST,
                  id,
                  claim.worker(),
                  kv.getCreateRevision(),
                  1,
                  "worker "
                      + claim.worker()
                      + " claimed this fire and ended before storing its first record",
                  clock.instant())
              .withParams(claim.params()));
      log.info("run {} is LOST: its claimer {} ended before recording it", id, claim.worker());
    }
    runs.upsertAll(records);
    delete(kv);
    return true;
  }

  /**
   * The fires a catch-up claim of {@code id} jumped over (between the cursor just before the claim
   * and the claimed fire), whose records were its owner's to write; none for an in-order claim.
   */
  private List<Instant> gap(RunId id, long claimRevision) {
    if (id.trigger() != Trigger.SCHEDULE) {
      return List.of();
    }
    try {
      Optional<Instant> before =
          CursorHistory.before(client, keys, id.job(), claimRevision, timeout);
      List<KeyValue> job =
          EtcdCalls.await(
                  client.getKVClient().get(Keys.bytes(keys.job(id.job()))), timeout, "read a job")
              .getKvs();
      if (before.isEmpty() || job.isEmpty()) {
        return List.of();
      }
      Job j = EtcdJobStore.decode(job.get(0)).job();
      return Fires.between(
          j.schedule(), j.timeZone(), before.get(), id.fireTime(), MAX_MISSED_RECORDS);
    } catch (RuntimeException e) {
      log.warn("could not work out the fires before claim {}: {}", id, e.getMessage());
      return List.of();
    }
  }

  /** Deletes the claim if it is still the one read. */
  private void delete(KeyValue kv) {
    EtcdCalls.await(
        client
            .getKVClient()
            .txn()
            .If(new Cmp(kv.getKey(), Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())))
            .Then(Op.delete(kv.getKey(), DeleteOption.DEFAULT))
            .commit(),
        timeout,
        "sweep claims");
  }
}
