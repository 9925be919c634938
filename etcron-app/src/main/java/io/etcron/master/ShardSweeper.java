package io.etcron.master;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcron.json.Json;
import io.etcron.run.Run;
import io.etcron.run.RunId;
import io.etcron.run.RunStore;
import io.etcron.store.EtcdCalls;
import io.etcron.store.Keys;
import io.etcron.store.PagedRange;
import io.etcron.store.TriggerRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records MISSED the runs of broadcast fires whose worker vanished before it claimed them: a
 * request {@code triggers/<job>/...~shard~<fire>#<i>} names its worker; when that worker has been
 * missing from {@code workers/} on two sweeps in a row, the sweeper deletes the request (only if
 * unchanged: the worker's own claim deletes it too, and exactly one of the two wins) and records
 * the run MISSED, so no run of a broadcast fire is silently gone. A worker restarted with the same
 * id is not missing: it claims the request itself. Not thread-safe: called from the sweeper's
 * thread only.
 */
final class ShardSweeper {
  private static final Logger log = LoggerFactory.getLogger(ShardSweeper.class);

  private final Client client;
  private final Keys keys;
  private final RunStore runs;
  private final WorkerDirectory workers;
  private final Clock clock;
  private final Duration timeout;
  private Map<String, Long> missingOnce = new HashMap<>();

  ShardSweeper(
      Client client,
      Keys keys,
      RunStore runs,
      WorkerDirectory workers,
      Clock clock,
      Duration timeout) {
    this.client = client;
    this.keys = keys;
    this.runs = runs;
    this.workers = workers;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** One pass over the run requests; returns how many runs it recorded MISSED. */
  int sweep() {
    Map<String, Long> missingNow = new HashMap<>();
    List<KeyValue> gone = new ArrayList<>();
    PagedRange.of(client.getKVClient(), timeout)
        .forEachPage(
            keys.triggers(),
            page -> {
              for (KeyValue kv : page) {
                String key = Keys.string(kv.getKey());
                if (!key.contains(Keys.SHARD)) {
                  continue;
                }
                String worker = workerOf(kv);
                if (worker == null || workers.get(worker).isPresent()) {
                  continue;
                }
                missingNow.put(key, kv.getModRevision());
                Long seen = missingOnce.get(key);
                if (seen != null && seen == kv.getModRevision()) {
                  gone.add(kv);
                }
              }
            });
    missingOnce = missingNow;
    int recorded = 0;
    for (KeyValue kv : gone) {
      if (settle(kv)) {
        recorded++;
      }
    }
    return recorded;
  }

  private static String workerOf(KeyValue kv) {
    try {
      return Json.readStored(Keys.string(kv.getValue()), TriggerRequest.class).worker();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Deletes the request if it is still there unchanged, then records its run MISSED. */
  private boolean settle(KeyValue kv) {
    String key = Keys.string(kv.getKey());
    TriggerRequest request = Json.readStored(Keys.string(kv.getValue()), TriggerRequest.class);
    RunId run;
    try {
      String id = key.substring(key.indexOf(Keys.SHARD) + Keys.SHARD.length());
      run = RunId.parse(id.substring(0, id.lastIndexOf('#'))).shard(request.shard());
    } catch (RuntimeException e) {
      log.warn("leaving an unreadable broadcast run request {}: {}", key, e.getMessage());
      return false;
    }
    ByteSequence k = kv.getKey();
    TxnResponse r =
        EtcdCalls.await(
            client
                .getKVClient()
                .txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())))
                .Then(Op.delete(k, DeleteOption.DEFAULT))
                .commit(),
            timeout,
            "delete a broadcast run request");
    if (!r.isSucceeded()) {
      return false; // its worker claimed it after all
    }
    runs.upsertAll(
        List.of(
            Run.missed(
                    run,
                    request.worker(),
                    kv.getModRevision(),
                    "missed: worker "
                        + request.worker()
                        + " was gone before it started run "
                        + request.shard()
                        + " of "
                        + request.total()
                        + " of this broadcast fire",
                    clock.instant())
                .withParams(request.env())));
    log.info("run {} is MISSED: its worker {} is gone", run, request.worker());
    return true;
  }
}
