package io.etcron.schedule;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * One shared instance of an immutable value per key, for values that many jobs have alike (a
 * schedule, its day set, a time zone): a worker holds 100 000 jobs, and each would otherwise hold
 * its own copy. Bounded: past {@code max} keys a value is made for its caller alone, so a stream of
 * distinct keys costs no memory here. Thread-safe.
 *
 * @param <V> an immutable value
 */
public final class Interner<V> {
  private final int max;
  private final ConcurrentMap<String, V> shared = new ConcurrentHashMap<>();

  public Interner(int max) {
    this.max = max;
  }

  /**
   * The shared value of {@code key}, made by {@code make} the first time. A value {@code make}
   * throws for is not kept: the next call throws again.
   */
  public V get(String key, Function<String, V> make) {
    V known = shared.get(key);
    if (known != null) {
      return known;
    }
    V made = make.apply(key);
    if (shared.size() < max) {
      V raced = shared.putIfAbsent(key, made);
      return raced == null ? made : raced;
    }
    return made;
  }
}
