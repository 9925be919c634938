package io.etcron.master;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcron.json.Json;
import io.etcron.store.Keys;
import io.etcron.store.PrefixMirror;
import io.etcron.store.WorkerInfo;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The live workers, mirrored from {@code workers/}. Thread-safe. */
public final class WorkerDirectory implements AutoCloseable, PrefixMirror.Listener {
  private final String prefix;
  private final Map<String, WorkerInfo> live = new ConcurrentHashMap<>();
  private PrefixMirror mirror;

  private WorkerDirectory(Keys keys) {
    this.prefix = keys.workers();
  }

  /** Starts mirroring; does not wait for the first listing. */
  public static WorkerDirectory start(Client client, Keys keys, Duration requestTimeout) {
    WorkerDirectory d = new WorkerDirectory(keys);
    d.mirror = PrefixMirror.start(client, keys.workers(), d, requestTimeout);
    return d;
  }

  /** Whether the first listing is done (false while etcd is unreachable at start). */
  public boolean synced(Duration wait) throws InterruptedException {
    return mirror.awaitSynced(wait);
  }

  @Override
  public void onPut(KeyValue kv) {
    try {
      WorkerInfo w = Json.readStored(Keys.string(kv.getValue()), WorkerInfo.class);
      live.put(w.id(), w);
    } catch (RuntimeException e) {
      // not written by an etcron worker: not listed
    }
  }

  @Override
  public void onDelete(String key) {
    live.remove(Keys.name(prefix, key));
  }

  /** The live workers, by id. */
  public List<WorkerInfo> list() {
    return live.values().stream().sorted(Comparator.comparing(WorkerInfo::id)).toList();
  }

  public Optional<WorkerInfo> get(String id) {
    return Optional.ofNullable(live.get(id));
  }

  @Override
  public void close() {
    if (mirror != null) {
      mirror.close();
    }
  }
}
