package io.etcron.worker;

import io.etcd.jetcd.KeyValue;
import io.etcron.store.Keys;
import io.etcron.store.PrefixMirror;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The cursors of every job as last seen through the {@code cursor/} watch: whether a fire is still
 * unclaimed, as far as this worker can tell, without a transaction. Thread-safe.
 */
final class CursorView implements PrefixMirror.Listener {
  private final String prefix;
  private final Map<String, Instant> cursors = new ConcurrentHashMap<>();
  private final Map<String, Instant> advancedAt = new ConcurrentHashMap<>();
  private final java.time.Clock clock;
  private volatile Consumer<String> onMove = job -> {};

  CursorView(Keys keys, java.time.Clock clock) {
    this.prefix = keys.cursors();
    this.clock = clock;
  }

  /** Who to tell when a cursor moves. */
  void onMove(Consumer<String> listener) {
    this.onMove = listener;
  }

  @Override
  public void onPut(KeyValue kv) {
    String job = Keys.name(prefix, Keys.string(kv.getKey()));
    try {
      cursors.put(job, Keys.unpad(Keys.string(kv.getValue())));
      advancedAt.put(job, clock.instant());
    } catch (NumberFormatException e) {
      return; // not a cursor written by etcron: claims of that job fail until it is recreated
    }
    onMove.accept(job);
  }

  /** When (by the worker's clock) this worker saw the cursor of {@code job} move last. */
  Optional<Instant> advancedAt(String job) {
    return Optional.ofNullable(advancedAt.get(job));
  }

  @Override
  public void onDelete(String key) {
    cursors.remove(Keys.name(prefix, key));
  }

  /** The job's cursor, if it has one. */
  Optional<Instant> cursor(String job) {
    return Optional.ofNullable(cursors.get(job));
  }

  /** Whether the cursor of {@code job} is still before {@code fireTime}. */
  boolean behind(String job, Instant fireTime) {
    Instant c = cursors.get(job);
    return c != null && c.isBefore(fireTime);
  }
}
