package io.etcron.store;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcron.concurrent.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local mirror of every key under a prefix, for a listener that keeps what it needs of them:
 * lists the prefix in pages at one revision (see {@link PagedRange}), then watches it from that
 * revision + 1. When the watch breaks (compaction, leader loss, a network error), it lists again
 * and reports only the difference, so no change is lost or doubled: a put is applied only if its
 * mod revision is newer than what the mirror holds.
 *
 * <p>Everything that changes the mirror (listings, watch events) runs on the mirror's own thread,
 * {@code etcron-mirror-<prefix>}, in revision order; the listener is called there, holding no lock,
 * so it may call back into the mirror or take its own locks. Keep it short: the next change waits
 * for it. jetcd's threads only hand work to that thread and never wait for it. {@link
 * #modRevision}, {@link #size} and {@link #revision} never block; {@link #awaitRevision} waits for
 * the mirror to catch up with a revision. Thread-safe.
 */
public final class PrefixMirror implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PrefixMirror.class);
  private static final Duration RELIST_DELAY = Duration.ofMillis(500);

  /** Receives the changes of the mirrored prefix. */
  public interface Listener {
    /** A key was created or changed. */
    void onPut(KeyValue kv);

    /**
     * Keys created or changed by one page of a listing, in key order: one {@link #onPut} each
     * unless the listener has a faster way for many (decoding them on every core, say). A failure
     * thrown here is logged and skips what is left of the page, so catch per key.
     */
    default void onPuts(List<KeyValue> kvs) {
      kvs.forEach(this::onPut);
    }

    /** A key was deleted ({@code key} is the full key). */
    void onDelete(String key);

    /** The initial listing (and every re-listing after a broken watch) has been applied. */
    default void onSynced(long revision) {}
  }

  private final Client client;
  private final String prefix;
  private final Listener listener;
  private final Duration requestTimeout;

  /** The mod revision of every key under the prefix: what a relisting compares against. */
  private final Map<String, Long> revisions = new ConcurrentHashMap<>();

  private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
  private final ScheduledExecutorService thread;
  private volatile long revision;
  private final Object advanced = new Object();
  private volatile boolean closed;
  // Touched only on the mirror's thread.
  private Watch.Watcher watcher;
  private int generation;

  private PrefixMirror(Client client, String prefix, Listener listener, Duration requestTimeout) {
    this.client = client;
    this.prefix = prefix;
    this.listener = listener;
    this.requestTimeout = requestTimeout;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(Threads.named("etcron-mirror-" + prefix));
  }

  /** Starts mirroring; {@link #awaitSynced(Duration)} waits for the first listing. */
  public static PrefixMirror start(
      Client client, String prefix, Listener listener, Duration requestTimeout) {
    PrefixMirror mirror = new PrefixMirror(client, prefix, listener, requestTimeout);
    mirror.submit(mirror::relist);
    return mirror;
  }

  /** Blocks until the first listing is applied; false on timeout. */
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    try {
      firstSync.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    }
  }

  /**
   * The mod revision the mirror holds for {@code key}, if it holds the key. Never blocks. The
   * mirror keeps no values: the listener keeps what it needs of them (a worker holding 100 000 jobs
   * keeps each once, parsed).
   */
  public OptionalLong modRevision(String key) {
    Long r = revisions.get(key);
    return r == null ? OptionalLong.empty() : OptionalLong.of(r);
  }

  /** The prefix it mirrors. */
  public String prefix() {
    return prefix;
  }

  /** How many keys the mirror holds. Never blocks. */
  public int size() {
    return revisions.size();
  }

  /** The revision the mirror is known to be current at. */
  public long revision() {
    return revision;
  }

  /**
   * Waits until the mirror is current at {@code atLeast} or later: every change of the prefix up to
   * that revision has been told to the listener. False on timeout.
   */
  public boolean awaitRevision(long atLeast, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (advanced) {
      while (revision < atLeast) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(advanced, left);
      }
      return true;
    }
  }

  /** Moves {@link #revision} forward once the listener has been told of everything up to it. */
  private void advance(long to) {
    synchronized (advanced) {
      if (to > revision) {
        revision = to;
        advanced.notifyAll();
      }
    }
  }

  private void submit(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException e) {
      // closed: nothing more to apply
    }
  }

  /** Lists the prefix page by page at one revision, then watches from the next one. */
  private void relist() {
    if (closed) {
      return;
    }
    Set<String> seen = new HashSet<>();
    PagedRange.Listing listing;
    try {
      listing =
          PagedRange.of(client.getKVClient(), requestTimeout)
              .forEachPage(prefix, page -> applyPage(page, seen));
    } catch (Closed e) {
      return;
    } catch (RuntimeException e) {
      log.warn("listing {} failed, retrying in {}: {}", prefix, RELIST_DELAY, e.getMessage());
      try {
        thread.schedule(this::relist, RELIST_DELAY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // closed meanwhile
      }
      return;
    }
    for (String key : List.copyOf(revisions.keySet())) {
      if (!seen.contains(key)) {
        revisions.remove(key);
        tell(() -> listener.onDelete(key));
      }
    }
    tell(() -> listener.onSynced(listing.revision()));
    advance(listing.revision());
    firstSync.complete(null);
    watchFrom(listing.revision() + 1);
  }

  private void applyPage(List<KeyValue> page, Set<String> seen) {
    if (closed) {
      throw new Closed();
    }
    List<KeyValue> changed = new ArrayList<>(page.size());
    for (KeyValue kv : page) {
      String key = Keys.string(kv.getKey());
      seen.add(key);
      Long known = revisions.get(key);
      if (known == null || kv.getModRevision() > known) {
        revisions.put(key, kv.getModRevision());
        changed.add(kv);
      }
    }
    if (!changed.isEmpty()) {
      tell(() -> listener.onPuts(changed));
    }
  }

  private void applyPut(String key, KeyValue kv) {
    Long known = revisions.get(key);
    if (known == null || kv.getModRevision() > known) {
      revisions.put(key, kv.getModRevision());
      tell(() -> listener.onPut(kv));
    }
  }

  /** Calls the listener; its failure is logged and does not stop the mirror. */
  private void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.error("listener of {} failed; the mirror goes on", prefix, e);
    }
  }

  private void watchFrom(long from) {
    if (watcher != null) {
      watcher.close();
    }
    int gen = ++generation;
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(from).build();
    // jetcd calls these on its own threads, some under its watch lock: hand over, never wait.
    watcher =
        client
            .getWatchClient()
            .watch(
                Keys.bytes(prefix),
                option,
                Watch.listener(
                    r -> submit(() -> onEvents(gen, r)),
                    e -> submit(() -> onBroken(gen, e)),
                    () -> submit(() -> onBroken(gen, null))));
  }

  private void onEvents(int gen, WatchResponse response) {
    if (closed || gen != generation) {
      return;
    }
    long latest = 0;
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue();
      latest = Math.max(latest, kv.getModRevision());
      String key = Keys.string(kv.getKey());
      if (event.getEventType() == WatchEvent.EventType.PUT) {
        applyPut(key, kv);
      } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
        Long known = revisions.get(key);
        if (known != null && kv.getModRevision() > known) {
          revisions.remove(key);
          tell(() -> listener.onDelete(key));
        }
      }
    }
    // Once a response: its events are all told by now, and the monitor is not taken per event.
    advance(latest);
  }

  private void onBroken(int gen, Throwable error) {
    if (closed || gen != generation) {
      return;
    }
    generation++; // ignore anything the broken watcher still delivers
    log.debug(
        "watch on {} broke ({}); listing again",
        prefix,
        error == null ? "completed" : error.toString());
    relist();
  }

  /**
   * Stops watching. Waits up to the request timeout for a change being applied (not when called
   * from a listener); after that no listener call begins.
   */
  @Override
  public void close() {
    closed = true;
    submit(
        () -> {
          if (watcher != null) {
            watcher.close();
          }
        });
    thread.shutdown();
    if (Thread.currentThread().getName().equals("etcron-mirror-" + prefix)) {
      return;
    }
    try {
      if (!thread.awaitTermination(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
  }

  /** Stops a listing that is under way when the mirror closes. */
  private static final class Closed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Closed() {
      super(null, null, false, false);
    }
  }
}
