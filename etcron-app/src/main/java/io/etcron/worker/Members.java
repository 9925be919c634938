package io.etcron.worker;

import io.etcd.jetcd.KeyValue;
import io.etcron.json.Json;
import io.etcron.store.Keys;
import io.etcron.store.PrefixMirror;
import io.etcron.store.WorkerInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live workers, mirrored from {@code workers/}, and the rendezvous hash that names the
 * preferred worker of each fire: the eligible worker with the highest hash of (worker, job, fire
 * time). Every worker computes the same answer from the same membership, so one worker tries at the
 * fire time and the others only after a grace period. Thread-safe.
 */
final class Members implements PrefixMirror.Listener {
  private static final Logger log = LoggerFactory.getLogger(Members.class);

  private final String prefix;
  private final WorkerInfo self;
  private final Map<String, WorkerInfo> live = new ConcurrentHashMap<>();

  Members(Keys keys, WorkerInfo self) {
    this.prefix = keys.workers();
    this.self = self;
  }

  @Override
  public void onPut(KeyValue kv) {
    try {
      WorkerInfo info = Json.read(kv.getValue().toString(StandardCharsets.UTF_8), WorkerInfo.class);
      live.put(info.id(), info);
    } catch (RuntimeException e) {
      log.warn(
          "ignoring unreadable worker registration {}: {}",
          Keys.string(kv.getKey()),
          e.getMessage());
    }
  }

  @Override
  public void onDelete(String key) {
    live.remove(Keys.name(prefix, key));
  }

  /** This worker's registration. */
  WorkerInfo self() {
    return self;
  }

  /** The live workers, by id. */
  Map<String, WorkerInfo> live() {
    return Map.copyOf(live);
  }

  /** Whether this worker has every tag the job asks for. */
  boolean eligible(Set<String> jobTags) {
    return self.tags().containsAll(jobTags);
  }

  /** A broadcast fire reaches this many workers at most (one claim transaction writes them all). */
  static final int MAX_BROADCAST = 100;

  /**
   * The live, not draining workers with every tag the job asks for, by id, this worker among them
   * if it is eligible: those a broadcast fire claimed now gives a run each (at most {@link
   * #MAX_BROADCAST}).
   */
  List<String> broadcastTo(Set<String> jobTags) {
    TreeSet<String> ids = new TreeSet<>();
    if (eligible(jobTags)) {
      ids.add(self.id());
    }
    for (WorkerInfo w : live.values()) {
      if (!w.draining() && w.tags().containsAll(jobTags)) {
        ids.add(w.id());
      }
    }
    return ids.stream().limit(MAX_BROADCAST).toList();
  }

  /** Whether this worker is the preferred one for the fire (itself counted as live). */
  boolean isPreferred(String job, Set<String> jobTags, Instant fireTime) {
    return preferred(job, jobTags, fireTime).map(self.id()::equals).orElse(true);
  }

  /**
   * The eligible live worker with the highest rendezvous hash for this fire. Draining workers are
   * not candidates: they claim nothing new.
   */
  Optional<String> preferred(String job, Set<String> jobTags, Instant fireTime) {
    String best = eligible(jobTags) ? self.id() : null;
    long bestScore = best == null ? Long.MIN_VALUE : score(self.id(), job, fireTime);
    for (WorkerInfo w : live.values()) {
      if (w.id().equals(self.id()) || w.draining() || !w.tags().containsAll(jobTags)) {
        continue;
      }
      long s = score(w.id(), job, fireTime);
      if (best == null || s > bestScore || (s == bestScore && w.id().compareTo(best) > 0)) {
        best = w.id();
        bestScore = s;
      }
    }
    return Optional.ofNullable(best);
  }

  /** A 64-bit mix (SplitMix64 finaliser) of the three inputs: well spread, the same everywhere. */
  static long score(String worker, String job, Instant fireTime) {
    long h = 0x9E3779B97F4A7C15L;
    for (String s : new String[] {worker, job}) {
      for (int i = 0; i < s.length(); i++) {
        h = mix(h ^ s.charAt(i));
      }
      h = mix(h ^ 0xFF);
    }
    return mix(h ^ fireTime.toEpochMilli());
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
