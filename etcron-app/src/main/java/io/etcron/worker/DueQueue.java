package io.etcron.worker;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link Scheduler}'s timer queue: {@link Due} entries by time, first in first out among
 * entries of the same millisecond. Entries are kept in one bucket per millisecond, so the thousands
 * of fires a busy second holds cost one ordered insert for the second, not a heap's comparisons per
 * fire (with a heap, each of them fell through to comparing job names). An entry is never served
 * before its exact time; within a millisecond the order is that of insertion. Not thread-safe: the
 * scheduler holds its lock.
 */
final class DueQueue {
  private final TreeMap<Long, ArrayDeque<Due>> buckets = new TreeMap<>();
  private int size;

  void add(Due due) {
    buckets.computeIfAbsent(due.at().toEpochMilli(), t -> new ArrayDeque<>()).addLast(due);
    size++;
  }

  void addAll(Collection<Due> dues) {
    dues.forEach(this::add);
  }

  /** The time of the earliest entry, or null when empty. */
  Instant headAt() {
    Map.Entry<Long, ArrayDeque<Due>> first = buckets.firstEntry();
    return first == null ? null : first.getValue().peekFirst().at();
  }

  /** Takes the earliest entry if it is due at {@code now}; null otherwise. */
  Due pollDue(Instant now) {
    Map.Entry<Long, ArrayDeque<Due>> first = buckets.firstEntry();
    if (first == null || first.getValue().peekFirst().at().isAfter(now)) {
      return null;
    }
    ArrayDeque<Due> bucket = first.getValue();
    Due due = bucket.pollFirst();
    if (bucket.isEmpty()) {
      buckets.pollFirstEntry();
    }
    size--;
    return due;
  }

  int size() {
    return size;
  }
}
