package io.etcron.worker;

import io.etcron.claim.Fire;
import io.etcron.job.Job;
import io.etcron.run.RunId;
import io.etcron.schedule.Fires;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One timer queue for every job, of due times ({@link Due}) in a {@link DueQueue}; serving it
 * collects everything due and hands the fires to claim to {@link Claims}. No thread per job and no
 * scan of all jobs per tick: each job has one entry, re-queued with its next fire when served. It
 * has no thread of its own: the {@link FireTimer} serves it, tests {@link #tick()}.
 *
 * <p>At a fire time only the preferred worker claims; every other eligible worker queues a takeover
 * at fire time + grace, which claims only if the cursor it sees is still behind the fire. A job's
 * fires pass the {@link OrderGate}: in order and at the pace of its schedule, so a worker whose
 * clock runs ahead cannot overtake the others. Fires are timed against the injected {@link Clock}.
 * Thread-safe.
 */
final class Scheduler {
  private static final Duration MAX_SLEEP = Duration.ofSeconds(1);

  /** A fire nobody could take yet is looked at again at most this far apart. */
  private static final Duration MAX_CHECK_EVERY = Duration.ofSeconds(30);

  /** Fires handed to claiming at a time while a busy instant is served. */
  private static final int HANDOFF = 100;

  /** Receives fires to claim; must not block. */
  interface Claims {
    /**
     * @param checkFirst the fires are late (takeovers, retries): others have probably claimed them,
     *     look before claiming
     */
    void submit(List<Fire> fires, boolean checkFirst);
  }

  /** Tells whether a fire is still unclaimed, as far as this worker can see. */
  interface Unclaimed extends Predicate<Fire> {}

  private record Entry(Job job, long version) {}

  private final Clock clock;
  private final Duration grace;
  private final Duration claimAhead;
  private final Members members;
  private final CursorView cursors;
  private final Unclaimed unclaimed;
  private final Claims claims;
  private final BooleanSupplier hasCapacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final DueQueue queue = new DueQueue();
  private final Map<String, Entry> jobs = new HashMap<>();

  /** Jobs with notification targets: the ends of their runs are noted for the masters. */
  private final Set<String> notifying = ConcurrentHashMap.newKeySet();

  /** Whether {@code job} has notification targets, as this worker knows it. */
  boolean notifies(String job) {
    return notifying.contains(job);
  }

  private final OrderGate gate;

  /** Where the gate puts a fire to look at again (one bound reference, not one per fire). */
  private final Consumer<Due> requeue = queue::add;

  private final Map<String, List<Request>> pendingManual = new HashMap<>();
  private final Duration staleAfter;

  Scheduler(
      Clock clock,
      Duration grace,
      Duration claimAhead,
      Members members,
      CursorView cursors,
      Unclaimed unclaimed,
      Claims claims,
      BooleanSupplier hasCapacity) {
    this.clock = clock;
    this.grace = grace;
    this.claimAhead = claimAhead;
    this.members = members;
    this.cursors = cursors;
    this.unclaimed = unclaimed;
    this.claims = claims;
    this.hasCapacity = hasCapacity;
    this.staleAfter = grace.multipliedBy(2).plusSeconds(3);
    this.gate = new OrderGate(cursors, staleAfter);
  }

  /** Adds or replaces a job: its pending fires are dropped and it is scheduled from now. */
  void upsert(Job job, long version) {
    Instant now = clock.instant();
    if (job.notifyRules().isEmpty()) {
      notifying.remove(job.name().value());
    } else {
      notifying.add(job.name().value());
    }
    List<Due> added = new ArrayList<>();
    if (!job.paused()) {
      Optional<Instant> cursor = cursors.cursor(job.name().value());
      Optional<Instant> latest = Optional.empty();
      if (cursor.isPresent() && cursor.get().isBefore(now)) {
        latest = Fires.latest(job.schedule(), job.timeZone(), cursor.get(), now);
      }
      if (latest.isPresent()) {
        // Fires between the cursor and now were not claimed. A recent one is claimed in order;
        // one that is stale means no worker was up: claim the latest at once, and its owner
        // applies the misfire policy to all of them.
        Instant l = latest.get();
        Fire fire =
            Duration.between(l, now).compareTo(staleAfter) > 0
                ? Fire.catchUp(job, version, l)
                : Fire.scheduled(job, version, l, job.schedule().previous(l, job.timeZone()));
        added.add(new Due(now, fire, Due.Kind.FIRST, 0));
      }
      // Claimable once the fire before it is claimed (or was before the job existed).
      job.schedule()
          .next(now, job.timeZone())
          .ifPresent(
              t ->
                  added.add(
                      new Due(
                          t.minus(claimAhead),
                          Fire.scheduled(
                              job, version, t, job.schedule().previous(t, job.timeZone())),
                          Due.Kind.ON_TIME,
                          0)));
    }
    lock.lock();
    try {
      jobs.put(job.name().value(), new Entry(job, version));
      gate.forget(job.name().value());
      for (Request r : pendingManual.getOrDefault(job.name().value(), List.of())) {
        queue.add(new Due(now, r.fire(job, version), Due.Kind.MANUAL, 0));
      }
      pendingManual.remove(job.name().value());
      queue.addAll(added);
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The cursor of {@code job} moved: the fires waiting for it whose predecessor it has now reached
   * are looked at again; the others keep waiting (each fire waits in one place, so that a claim
   * landing late costs one look per fire, not one per fire and cursor move).
   */
  void cursorMoved(String job) {
    if (!gate.waitsFor(job)) {
      return; // the common case: nothing waits for this job's cursor, no need for the lock
    }
    lock.lock();
    try {
      List<Due> released = gate.released(job, clock.instant());
      if (!released.isEmpty()) {
        queue.addAll(released);
        changed.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Removes a job: it fires no more. */
  void remove(String name) {
    notifying.remove(name);
    lock.lock();
    try {
      jobs.remove(name);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A run request read from {@code triggers/}: manual, or after a run of a parent.
   *
   * @param at the run's fire time
   * @param key the request's key (the claim deletes it)
   * @param params a manual run's parameters
   * @param parent for a run after a parent's, the parent run's id
   * @param shardOf for one worker's run of a broadcast fire, that fire's run id
   * @param shard with {@code shardOf}: the run's index and count
   */
  record Request(
      Instant at,
      String key,
      Map<String, String> params,
      Optional<String> parent,
      Optional<RunId> shardOf,
      Optional<Fire.Shard> shard) {
    Request(Instant at, String key, Map<String, String> params, Optional<String> parent) {
      this(at, key, params, parent, Optional.empty(), Optional.empty());
    }

    Fire fire(Job job, long version) {
      if (shardOf.isPresent() && shard.isPresent()) {
        return Fire.shard(job, version, shardOf.get(), key, params, shard.get());
      }
      return parent
          .map(p -> Fire.after(job, version, at, key, p))
          .orElseGet(() -> Fire.manual(job, version, at, key, params));
    }
  }

  /**
   * Queues a run request of {@code job} (manual or after a parent). A request may arrive before the
   * job itself (two watches): it then waits for the job's upsert.
   */
  void requested(String job, Request request) {
    lock.lock();
    try {
      Entry entry = jobs.get(job);
      if (entry == null) {
        pendingManual.computeIfAbsent(job, k -> new ArrayList<>()).add(request);
        return;
      }
      queue.add(
          new Due(clock.instant(), request.fire(entry.job(), entry.version()), Due.Kind.MANUAL, 0));
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Queues fires whose claim failed, to try again after a short pause. */
  void retry(List<Fire> fires) {
    Instant at = clock.instant().plusMillis(500);
    lock.lock();
    try {
      fires.forEach(f -> queue.add(new Due(at, f, Due.Kind.RETRY, 0)));
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Entries in the timer queue and waiting for a cursor (for tests). */
  int queued() {
    lock.lock();
    try {
      return queue.size() + gate.waiting();
    } finally {
      lock.unlock();
    }
  }

  /** Number of jobs scheduled. */
  int size() {
    lock.lock();
    try {
      return jobs.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the earliest entry is due (at most {@link #MAX_SLEEP}, or until the queue changes)
   * or, when something is due, serves everything due. Called by the {@link FireTimer}.
   */
  void serveDueOrWait() throws InterruptedException {
    lock.lock();
    try {
      Instant head = queue.headAt();
      Instant now = clock.instant();
      if (head == null || head.isAfter(now)) {
        long wait =
            head == null
                ? MAX_SLEEP.toNanos()
                : Math.min(MAX_SLEEP.toNanos(), Duration.between(now, head).toNanos());
        changed.awaitNanos(Math.max(wait, TimeUnit.MICROSECONDS.toNanos(100)));
        return;
      }
      serveAll(now);
    } finally {
      lock.unlock();
    }
  }

  /** Serves everything due at the clock's time now, without waiting (tests drive time with it). */
  List<Fire> tick() {
    lock.lock();
    try {
      return serveAll(clock.instant());
    } finally {
      lock.unlock();
    }
  }

  /** What a pass over the due entries hands to claiming, in chunks as it goes. */
  private final class Handoff {
    final List<Fire> claim = new ArrayList<>();
    final List<Fire> check = new ArrayList<>();
    final List<Fire> all = new ArrayList<>();

    void flush(int atLeast) {
      for (boolean checkFirst : new boolean[] {false, true}) {
        List<Fire> list = checkFirst ? check : claim;
        if (!list.isEmpty() && list.size() >= atLeast) {
          claims.submit(List.copyOf(list), checkFirst);
          all.addAll(list);
          list.clear();
        }
      }
    }
  }

  private List<Fire> serveAll(Instant now) {
    Handoff out = new Handoff();
    for (Due due = queue.pollDue(now); due != null; due = queue.pollDue(now)) {
      serve(due, now, out);
      // Claiming starts while the rest of a large instant is still being served.
      out.flush(HANDOFF);
    }
    out.flush(1);
    return out.all;
  }

  private void serve(Due due, Instant now, Handoff out) {
    Fire fire = due.fire();
    if (due.staleCheck() && !gate.unblock(fire)) {
      return; // the cursor released it before its predecessor went stale
    }
    Entry entry = jobs.get(fire.jobName());
    if (entry == null) {
      return; // deleted
    }
    if (entry.version() != fire.version()) {
      if (due.kind() == Due.Kind.ON_TIME || due.kind() == Due.Kind.FIRST) {
        return; // edited: the upsert scheduled it anew
      }
      fire = fire.withJob(entry.job(), entry.version());
    }
    Job job = fire.job();
    if (due.kind() == Due.Kind.ON_TIME) {
      Instant t = fire.time();
      job.schedule()
          .next(t, job.timeZone())
          .ifPresent(
              n ->
                  queue.add(
                      new Due(
                          n.minus(claimAhead),
                          Fire.scheduled(job, entry.version(), n, Optional.of(t)),
                          Due.Kind.ON_TIME,
                          0)));
    }
    if ((job.paused() && fire.byCursor()) || !members.eligible(job.tags())) {
      return;
    }
    if (fire.byCursor()) {
      Optional<Fire> ready = gate.admit(due, fire, now, requeue);
      if (ready.isEmpty()) {
        return;
      }
      fire = ready.get();
    }
    boolean firstTry =
        due.kind() == Due.Kind.ON_TIME
            || due.kind() == Due.Kind.FIRST
            || due.kind() == Due.Kind.MANUAL;
    // One worker's run of a broadcast fire is that worker's alone to claim.
    if (firstTry
        && (fire.shard().isPresent()
            || members.isPreferred(fire.jobName(), job.tags(), fire.time()))
        && hasCapacity.getAsBoolean()) {
      out.claim.add(fire);
      return;
    }
    if (!firstTry) {
      if (!unclaimed.test(fire)) {
        return; // someone claimed it
      }
      if (hasCapacity.getAsBoolean()) {
        out.check.add(fire);
        return;
      }
    }
    // Checked again while unclaimed, never given up: a manual run or an @at fire has no later
    // claim that would record it. The pause doubles up to MAX_CHECK_EVERY.
    Duration pause = grace.multipliedBy(1L << Math.min(due.checks(), 5));
    if (pause.compareTo(MAX_CHECK_EVERY) > 0) {
      pause = MAX_CHECK_EVERY;
    }
    Instant takeoverAt = fire.time().plus(grace);
    if (!takeoverAt.isAfter(now)) {
      takeoverAt = now.plus(pause);
    }
    queue.add(new Due(takeoverAt, fire, Due.Kind.TAKEOVER, due.checks() + 1));
  }
}
