package io.etcron.store;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local mirror of every key under a prefix: lists the prefix, then watches it from the listed
 * revision + 1. When the watch breaks (compaction, leader loss, a network error), it lists again
 * and reports only the difference, so no change is lost or doubled: a put is applied only if its
 * mod revision is newer than what the mirror holds.
 *
 * <p>The listener is called under the mirror's lock, in revision order, on a jetcd thread: keep it
 * short. Thread-safe.
 */
public final class PrefixMirror implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PrefixMirror.class);

  /** Receives the changes of the mirrored prefix. */
  public interface Listener {
    /** A key was created or changed. */
    void onPut(KeyValue kv);

    /** A key was deleted ({@code key} is the full key). */
    void onDelete(String key);

    /** The initial listing (and every re-listing after a broken watch) has been applied. */
    default void onSynced(long revision) {}
  }

  private final Client client;
  private final String prefix;
  private final Listener listener;
  private final Duration requestTimeout;
  private final Map<String, KeyValue> entries = new HashMap<>();
  private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
  private Watch.Watcher watcher;
  private long revision;
  private boolean closed;
  private int generation;

  private PrefixMirror(Client client, String prefix, Listener listener, Duration requestTimeout) {
    this.client = client;
    this.prefix = prefix;
    this.listener = listener;
    this.requestTimeout = requestTimeout;
  }

  /** Starts mirroring; {@link #awaitSynced(Duration)} waits for the first listing. */
  public static PrefixMirror start(
      Client client, String prefix, Listener listener, Duration requestTimeout) {
    PrefixMirror mirror = new PrefixMirror(client, prefix, listener, requestTimeout);
    mirror.relist();
    return mirror;
  }

  /** Blocks until the first listing is applied; false on timeout. */
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    try {
      firstSync.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    }
  }

  /** The mirrored value of {@code key}, if present. */
  public synchronized Optional<KeyValue> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  /** A copy of every mirrored entry. */
  public synchronized Map<String, KeyValue> snapshot() {
    return new HashMap<>(entries);
  }

  /** The revision the mirror is known to be current at. */
  public synchronized long revision() {
    return revision;
  }

  private void relist() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    client
        .getKVClient()
        .get(Keys.bytes(prefix), GetOption.builder().isPrefix(true).build())
        .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                log.debug("listing {} failed, retrying: {}", prefix, error.toString());
                CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS).execute(this::relist);
              } else {
                applyListing(response);
              }
            });
  }

  private synchronized void applyListing(GetResponse response) {
    if (closed) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (KeyValue kv : response.getKvs()) {
      String key = Keys.string(kv.getKey());
      seen.add(key);
      applyPut(key, kv);
    }
    for (String key : new HashSet<>(entries.keySet())) {
      if (!seen.contains(key)) {
        entries.remove(key);
        listener.onDelete(key);
      }
    }
    revision = response.getHeader().getRevision();
    listener.onSynced(revision);
    firstSync.complete(null);
    watchFrom(revision + 1);
  }

  private void applyPut(String key, KeyValue kv) {
    KeyValue known = entries.get(key);
    if (known == null || kv.getModRevision() > known.getModRevision()) {
      entries.put(key, kv);
      listener.onPut(kv);
    }
  }

  private void watchFrom(long from) {
    if (watcher != null) {
      watcher.close();
    }
    int gen = ++generation;
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(from).build();
    watcher =
        client
            .getWatchClient()
            .watch(
                Keys.bytes(prefix),
                option,
                Watch.listener(
                    r -> onEvents(gen, r), e -> onBroken(gen, e), () -> onBroken(gen, null)));
  }

  private synchronized void onEvents(int gen, WatchResponse response) {
    if (closed || gen != generation) {
      return;
    }
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue();
      String key = Keys.string(kv.getKey());
      if (event.getEventType() == WatchEvent.EventType.PUT) {
        applyPut(key, kv);
      } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
        KeyValue known = entries.get(key);
        if (known != null && kv.getModRevision() > known.getModRevision()) {
          entries.remove(key);
          listener.onDelete(key);
        }
      }
      revision = Math.max(revision, kv.getModRevision());
    }
  }

  private void onBroken(int gen, Throwable error) {
    synchronized (this) {
      if (closed || gen != generation) {
        return;
      }
      generation++; // ignore anything the broken watcher still delivers
    }
    log.debug(
        "watch on {} broke ({}); listing again",
        prefix,
        error == null ? "completed" : error.toString());
    relist();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watcher != null) {
      watcher.close();
    }
  }
}
