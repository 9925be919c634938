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
import io.etcron.claim.ClaimRecord;
import io.etcron.json.Json;
import io.etcron.lock.EtcdUnavailableException;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import io.etcron.run.RunStore;
import io.etcron.store.Keys;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
      GetResponse r = await(client.getKVClient().get(from, page.build()));
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
                await(client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT)).getTTL() > 0);
    if (alive) {
      return false; // its worker records it, or loses its lease first
    }
    if (runs.get(id).isEmpty()) {
      runs.upsert(
          Run.notStarted(
              RunState.LOST,
              id,
              claim.worker(),
              kv.getCreateRevision(),
              1,
              "worker "
                  + claim.worker()
                  + " claimed this fire and ended before storing its first record",
              clock.instant()));
      log.info("run {} is LOST: its claimer {} ended before recording it", id, claim.worker());
    }
    delete(kv);
    return true;
  }

  /** Deletes the claim if it is still the one read. */
  private void delete(KeyValue kv) {
    await(
        client
            .getKVClient()
            .txn()
            .If(new Cmp(kv.getKey(), Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())))
            .Then(Op.delete(kv.getKey(), DeleteOption.DEFAULT))
            .commit());
  }

  private <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new EtcdUnavailableException("sweeping claims failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EtcdUnavailableException("interrupted while sweeping claims", e);
    }
  }
}
