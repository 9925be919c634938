package io.etcron.worker;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcron.claim.Fire;
import io.etcron.job.JobStore;
import io.etcron.json.Json;
import io.etcron.lock.EtcdUnavailableException;
import io.etcron.run.Dependents;
import io.etcron.run.RunId;
import io.etcron.store.EtcdJobStore;
import io.etcron.store.Keys;
import io.etcron.store.KillRequest;
import io.etcron.store.PrefixMirror;
import io.etcron.store.TriggerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker follows in etcd, one {@link PrefixMirror} per prefix: cursors ({@link CursorView}),
 * live workers ({@link Members}), jobs and manual run requests (to the {@link Scheduler}), kill
 * requests (to {@link Runs}). Each mirror lists its prefix in pages and then watches it; listeners
 * run on the mirror's own thread, holding no lock of the mirror.
 */
final class ClusterFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterFeed.class);

  private final Client client;
  private final Keys keys;
  private final Duration requestTimeout;

  /** A first listing that takes longer than this is logged with its size. */
  private static final Duration SLOW_LISTING = Duration.ofSeconds(1);

  private final CursorView cursors;
  private final Members members;
  private final Scheduler scheduler;
  private final Runs runs;
  private final Dependents dependents;
  private final List<PrefixMirror> mirrors = new CopyOnWriteArrayList<>();
  private volatile long started;
  private volatile PrefixMirror triggers;

  ClusterFeed(
      Client client,
      Keys keys,
      Duration requestTimeout,
      CursorView cursors,
      Members members,
      Scheduler scheduler,
      Runs runs,
      Dependents dependents) {
    this.dependents = dependents;
    this.client = client;
    this.keys = keys;
    this.requestTimeout = requestTimeout;
    this.cursors = cursors;
    this.members = members;
    this.scheduler = scheduler;
    this.runs = runs;
  }

  /**
   * Mirrors every prefix; blocks until each is listed, at most {@code timeout} each. Cursors,
   * workers and jobs are listed at once; jobs are decoded as their pages come and scheduled once
   * cursors and workers are listed (a job's missed fires are computed from its cursor when it is
   * scheduled). Kill and run requests are listed last, for jobs already known.
   *
   * @throws EtcdUnavailableException when a prefix cannot be listed in time
   */
  void start(Duration timeout) throws InterruptedException {
    started = System.nanoTime();
    JobsListener jobs = new JobsListener(timeout);
    PrefixMirror cursorMirror = begin(keys.cursors(), cursors);
    PrefixMirror memberMirror = begin(keys.workers(), members);
    PrefixMirror jobMirror = begin(keys.jobs(), jobs);
    try {
      synced(cursorMirror, timeout);
      synced(memberMirror, timeout);
    } finally {
      jobs.prerequisites.complete(null); // from here on, the jobs mirror schedules what it decoded
    }
    synced(jobMirror, timeout);
    synced(begin(keys.kills(), new KillsListener()), timeout);
    triggers = begin(keys.triggers(), new TriggersListener());
    synced(triggers, timeout);
  }

  /** Whether the manual run request {@code key} is still unclaimed, as far as this worker sees. */
  boolean triggerPending(String key) {
    return triggers.modRevision(key).isPresent();
  }

  private PrefixMirror begin(String prefix, PrefixMirror.Listener listener) {
    PrefixMirror m = PrefixMirror.start(client, prefix, listener, requestTimeout);
    mirrors.add(m);
    return m;
  }

  /** Waits for the first listing of {@code m}, begun when the feed started. */
  private void synced(PrefixMirror m, Duration timeout) throws InterruptedException {
    boolean synced = m.awaitSynced(timeout);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    String prefix = m.prefix();
    if (synced && took.compareTo(SLOW_LISTING) > 0) {
      log.info("listed {} keys of {} {} ms after the start", m.size(), prefix, took.toMillis());
    }
    if (!synced) {
      if (m.size() > 0) {
        // etcd answered: the listing is applied too slowly (a heap too small, a starved CPU).
        throw new IllegalStateException(
            "listed "
                + m.size()
                + " keys of "
                + prefix
                + " but could not apply them all within "
                + timeout.toSeconds()
                + "s: etcd answers, this worker is too slow (give it more heap or CPU)");
      }
      throw new EtcdUnavailableException(
          "could not list " + prefix + " within " + timeout.toSeconds() + "s", null);
    }
  }

  @Override
  public void close() {
    mirrors.forEach(PrefixMirror::close);
  }

  /**
   * Jobs mirror: every change reschedules. Pages listed before cursors and workers are decoded and
   * held; they are scheduled, in key order, before anything that follows them.
   */
  private final class JobsListener implements PrefixMirror.Listener {
    /** Completed once cursors and workers are listed (or the feed gave up on them). */
    final CompletableFuture<Void> prerequisites = new CompletableFuture<>();

    private final Duration timeout;
    // Touched only on the jobs mirror's thread.
    private List<Decoded> held = new ArrayList<>();

    JobsListener(Duration timeout) {
      this.timeout = timeout;
    }

    @Override
    public void onPut(KeyValue kv) {
      schedule(Decoded.of(kv)); // watch events follow onSynced, which released what was held
    }

    /**
     * A page of a listing: decoding (JSON, validation, the schedule) is most of a worker's start at
     * 100 000 jobs and needs no lock, so the page is decoded on every core, then scheduled in key
     * order (or held until cursors and workers are listed).
     */
    @Override
    public void onPuts(List<KeyValue> kvs) {
      List<Decoded> decoded = kvs.parallelStream().map(Decoded::of).toList();
      if (held != null && !prerequisites.isDone()) {
        held.addAll(decoded);
        return;
      }
      release();
      decoded.forEach(this::schedule);
    }

    /** The listing is complete: what was held is scheduled before the mirror reports it synced. */
    @Override
    public void onSynced(long revision) {
      try {
        prerequisites.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // the feed is closing
      } catch (ExecutionException | TimeoutException e) {
        // the start fails on the listing that did not come; schedule what is known meanwhile
      }
      release();
    }

    private void release() {
      if (held != null) {
        List<Decoded> h = held;
        held = null;
        h.forEach(this::schedule);
      }
    }

    private void schedule(Decoded d) {
      if (d.job() != null) {
        dependents.upsert(d.job().job());
        scheduler.upsert(d.job().job(), d.job().version());
      } else {
        log.warn("ignoring unreadable job {}: {}", Keys.string(d.kv().getKey()), d.error());
      }
    }

    @Override
    public void onDelete(String key) {
      dependents.remove(Keys.name(keys.jobs(), key));
      scheduler.remove(Keys.name(keys.jobs(), key));
    }
  }

  /** A stored job, or why it cannot be read. */
  private record Decoded(KeyValue kv, JobStore.Versioned job, String error) {
    static Decoded of(KeyValue kv) {
      try {
        return new Decoded(kv, EtcdJobStore.decode(kv), null);
      } catch (RuntimeException e) {
        return new Decoded(kv, null, e.getMessage());
      }
    }
  }

  /** Kill requests: kill the covered runs of the job. */
  private final class KillsListener implements PrefixMirror.Listener {
    @Override
    public void onPut(KeyValue kv) {
      String job = Keys.name(keys.kills(), Keys.string(kv.getKey()));
      KillRequest req;
      try {
        req = Json.read(Keys.string(kv.getValue()), KillRequest.class);
      } catch (RuntimeException e) {
        log.warn("ignoring unreadable kill request for {}: {}", job, e.getMessage());
        return;
      }
      runs.killRequested(job, req, kv.getModRevision());
    }

    @Override
    public void onDelete(String key) {}
  }

  /** Run requests, manual or after a parent's run: queue them as fires. */
  private final class TriggersListener implements PrefixMirror.Listener {
    @Override
    public void onPut(KeyValue kv) {
      String rest = Keys.name(keys.triggers(), Keys.string(kv.getKey()));
      int slash = rest.lastIndexOf('/');
      if (slash < 0) {
        return;
      }
      String job = rest.substring(0, slash);
      // <pad(at)> for a manual run, <pad(at)>~after~<parent run id> for a run after a parent's,
      // <pad(at)>~shard~<fire's run id>#<i> for one worker's run of a broadcast fire.
      String id = rest.substring(slash + 1);
      if (id.contains(Keys.SHARD)) {
        shard(job, kv, id);
        return;
      }
      int after = id.indexOf(Keys.AFTER);
      Optional<String> parent =
          after < 0 ? Optional.empty() : Optional.of(id.substring(after + Keys.AFTER.length()));
      Instant at;
      try {
        at = Keys.unpad(after < 0 ? id : id.substring(0, after));
      } catch (NumberFormatException e) {
        return;
      }
      TriggerRequest request;
      try {
        // Tolerant: a request of an older master has no env, a newer one's may have more fields.
        request = Json.readStored(Keys.string(kv.getValue()), TriggerRequest.class);
      } catch (RuntimeException e) {
        // Running it without the parameters it was asked with could do harm: leave it.
        log.warn("ignoring unreadable manual run request {}: {}", rest, e.getMessage());
        return;
      }
      scheduler.requested(
          job, new Scheduler.Request(at, Keys.string(kv.getKey()), request.env(), parent));
    }

    /** One worker's run of a broadcast fire: queued by that worker only. */
    private void shard(String job, KeyValue kv, String id) {
      String key = Keys.string(kv.getKey());
      int hash = id.lastIndexOf('#');
      TriggerRequest request;
      RunId base;
      try {
        request = Json.readStored(Keys.string(kv.getValue()), TriggerRequest.class);
        base = RunId.parse(id.substring(id.indexOf(Keys.SHARD) + Keys.SHARD.length(), hash));
      } catch (RuntimeException e) {
        log.warn("ignoring unreadable broadcast run request {}: {}", key, e.getMessage());
        return;
      }
      if (!members.self().id().equals(request.worker())
          || request.shard() == null
          || request.total() == null) {
        return; // another worker's run
      }
      scheduler.requested(
          job,
          new Scheduler.Request(
              base.fireTime(),
              key,
              request.env(),
              Optional.ofNullable(base.parent()),
              Optional.of(base),
              Optional.of(new Fire.Shard(request.shard(), request.total()))));
    }

    @Override
    public void onDelete(String key) {}
  }
}
