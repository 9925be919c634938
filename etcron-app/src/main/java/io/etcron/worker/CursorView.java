package io.etcron.worker;

import io.etcd.jetcd.KeyValue;
import io.etcron.store.Keys;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cursors of every job as last seen through the {@code cursor/} watch: whether a fire is
 * still unclaimed, as far as this worker can tell, without a transaction. Thread-safe.
 */
final class CursorView implements io.etcron.store.PrefixMirror.Listener {
  private final String prefix;
  private final Map<String, Instant> cursors = new ConcurrentHashMap<>();

  CursorView(Keys keys) {
    this.prefix = keys.cursors();
  }

  @Override
  public void onPut(KeyValue kv) {
    try {
      cursors.put(Keys.name(prefix, Keys.string(kv.getKey())), Keys.unpad(Keys.string(kv.getValue())));
    } catch (NumberFormatException e) {
      // not a cursor written by etcron: claims of that job fail until it is recreated
    }
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
