package io.etcron.lock;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A one-shot watch: runs an action once, at the first deletion of a key (or put under a prefix)
 * since a revision, or when the watch breaks (compaction, network): the action re-reads the state
 * either way, so a broken watch costs a re-check, never a missed wake-up. Thread-safe.
 */
final class KeyWatch implements AutoCloseable {
  private final AtomicBoolean fired = new AtomicBoolean();
  private final Runnable action;
  private volatile Watch.Watcher watcher;

  private KeyWatch(
      Client client, String key, WatchOption option, WatchEvent.EventType wanted, Runnable action) {
    this.action = action;
    this.watcher =
        client
            .getWatchClient()
            .watch(
                Etcd.bytes(key),
                option,
                Watch.listener(
                    response -> {
                      for (WatchEvent event : response.getEvents()) {
                        if (event.getEventType() == wanted) {
                          fire();
                          return;
                        }
                      }
                    },
                    error -> fire(),
                    this::fire));
    if (fired.get()) {
      watcher.close();
    }
  }

  /**
   * Watches {@code key} from {@code fromRevision} (the revision after the read that saw it alive,
   * so a deletion in between is not missed) and runs {@code action} once.
   */
  static KeyWatch onDelete(Client client, String key, long fromRevision, Runnable action) {
    WatchOption option = WatchOption.builder().withRevision(fromRevision).withNoPut(true).build();
    return new KeyWatch(client, key, option, WatchEvent.EventType.DELETE, action);
  }

  /** Watches the keys under {@code prefix} from {@code fromRevision}; runs {@code action} once. */
  static KeyWatch onPutUnder(Client client, String prefix, long fromRevision, Runnable action) {
    WatchOption option =
        WatchOption.builder()
            .withPrefix(Etcd.bytes(prefix))
            .withRevision(fromRevision)
            .withNoDelete(true)
            .build();
    return new KeyWatch(client, prefix, option, WatchEvent.EventType.PUT, action);
  }

  private void fire() {
    if (fired.compareAndSet(false, true)) {
      closeWatcher();
      action.run();
    }
  }

  /** Cancels the watch; the action will not run (unless it already did). */
  @Override
  public void close() {
    if (fired.compareAndSet(false, true)) {
      closeWatcher();
    }
  }

  private void closeWatcher() {
    Watch.Watcher w = watcher;
    if (w != null) {
      w.close();
    }
  }
}
