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
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live workers, mirrored from {@code workers/}, and the rendezvous hashes that partition the
 * work. A job's <em>owners</em> are the {@link #OWNERS} eligible, non-draining live workers with
 * the highest hash of (worker, job): only they schedule the job, so a worker's scheduling work is
 * about {@code OWNERS / W} of the fleet's. Each fire's <em>preferred</em> worker is the owner with
 * the highest hash of (worker, job, fire time): it claims at the fire time, the other owner only
 * after a grace period. Every worker computes the same answers from the same membership.
 * Thread-safe.
 */
final class Members implements PrefixMirror.Listener {
  private static final Logger log = LoggerFactory.getLogger(Members.class);

  private final String prefix;
  private final WorkerInfo self;

  /** Workers that schedule a job: its preferred worker and one standby. */
  static final int OWNERS = 2;

  private final Map<String, WorkerInfo> live = new ConcurrentHashMap<>();
  private volatile Runnable onChange = () -> {};

  Members(Keys keys, WorkerInfo self) {
    this.prefix = keys.workers();
    this.self = self;
  }

  @Override
  public void onPut(KeyValue kv) {
    try {
      WorkerInfo info = Json.read(kv.getValue().toString(StandardCharsets.UTF_8), WorkerInfo.class);
      WorkerInfo before = live.put(info.id(), info);
      // A registration is rewritten whenever its runs change: only a change of who may own jobs
      // is news to the scheduler.
      if (before == null
          || before.draining() != info.draining()
          || !before.tags().equals(info.tags())) {
        onChange.run();
      }
    } catch (RuntimeException e) {
      log.warn(
          "ignoring unreadable worker registration {}: {}",
          Keys.string(kv.getKey()),
          e.getMessage());
    }
  }

  @Override
  public void onDelete(String key) {
    if (live.remove(Keys.name(prefix, key)) != null) {
      onChange.run();
    }
  }

  /** Who to tell (on the mirror's thread) when the workers that may own jobs change. */
  void onChange(Runnable listener) {
    this.onChange = listener;
  }

  /** The live workers, by id. */
  Map<String, WorkerInfo> live() {
    return Map.copyOf(live);
  }

  /** Whether this worker has every tag the job asks for. */
  boolean eligible(Set<String> jobTags) {
    return self.tags().containsAll(jobTags);
  }

  /** Whether this worker is the preferred one for the fire (itself counted as live). */
  boolean isPreferred(String job, Set<String> jobTags, Instant fireTime) {
    return preferred(job, jobTags, fireTime).map(self.id()::equals).orElse(true);
  }

  /** The preferred worker of a fire: its preferred owner. */
  Optional<String> preferred(String job, Set<String> jobTags, Instant fireTime) {
    return preferred(owners(job, jobTags), job, fireTime);
  }

  /** Which of a job's {@code owners} is preferred for its fire at {@code fireTime}. */
  static Optional<String> preferred(List<String> owners, String job, Instant fireTime) {
    String best = null;
    long bestScore = 0;
    for (String w : owners) {
      long s = score(w, job, fireTime.toEpochMilli());
      if (best == null || s > bestScore || (s == bestScore && w.compareTo(best) > 0)) {
        best = w;
        bestScore = s;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The owners of a job, best first: at most {@link #OWNERS} eligible live workers, itself counted
   * as live when eligible. Draining workers are not candidates: they claim nothing new.
   */
  List<String> owners(String job, Set<String> jobTags) {
    String first = null;
    String second = null;
    long firstScore = 0;
    long secondScore = 0;
    for (WorkerInfo w : candidates(jobTags)) {
      long s = score(w.id(), job, OWNER_SALT);
      if (first == null || beats(s, w.id(), firstScore, first)) {
        second = first;
        secondScore = firstScore;
        first = w.id();
        firstScore = s;
      } else if (second == null || beats(s, w.id(), secondScore, second)) {
        second = w.id();
        secondScore = s;
      }
    }
    return first == null ? List.of() : second == null ? List.of(first) : List.of(first, second);
  }

  /** A salt for the ownership hash, so that it is independent of every fire's. */
  private static final long OWNER_SALT = 0x6F776E6572L;

  private static boolean beats(long score, String id, long otherScore, String other) {
    return score > otherScore || (score == otherScore && id.compareTo(other) > 0);
  }

  private java.util.Collection<WorkerInfo> candidates(Set<String> jobTags) {
    List<WorkerInfo> out = new java.util.ArrayList<>(live.size() + 1);
    if (eligible(jobTags)) {
      out.add(self);
    }
    for (WorkerInfo w : live.values()) {
      if (!w.id().equals(self.id()) && !w.draining() && w.tags().containsAll(jobTags)) {
        out.add(w);
      }
    }
    return out;
  }

  /** This worker's id. */
  String self() {
    return self.id();
  }

  /** A 64-bit mix (SplitMix64 finaliser) of the three inputs: well spread, the same everywhere. */
  static long score(String worker, String job, long salt) {
    long h = 0x9E3779B97F4A7C15L;
    for (String s : new String[] {worker, job}) {
      for (int i = 0; i < s.length(); i++) {
        h = mix(h ^ s.charAt(i));
      }
      h = mix(h ^ 0xFF);
    }
    return mix(h ^ salt);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
