package io.etcron.worker;

import io.etcron.claim.Fire;
import io.etcron.concurrent.Loop;
import io.etcron.job.Job;
import io.etcron.run.RunId;
import io.etcron.schedule.Fires;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One timer for every job: a priority queue of due times, served by one named thread that sleeps
 * until the earliest, collects everything due, and hands the fires to claim to {@link Claims}. No
 * thread per job and no scan of all jobs per tick: each job has one entry, re-queued with its next
 * fire when served.
 *
 * <p>At a fire time only the preferred worker claims; every other eligible worker queues a takeover
 * at fire time + grace, which claims only if the cursor it sees is still behind the fire. A job's
 * fires are claimed in order and at the pace of its schedule (see {@link #inOrder}), so a worker
 * whose clock runs ahead cannot overtake the others. Fires are timed against the injected {@link
 * Clock}. Thread-safe.
 */
final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  private static final Duration MAX_SLEEP = Duration.ofSeconds(1);

  /** A fire nobody could take yet is looked at again at most this far apart. */
  private static final Duration MAX_CHECK_EVERY = Duration.ofSeconds(30);

  /** The longest a claim waits after its predecessor's (see {@link #inOrder}). */
  private static final Duration MAX_PACE = Duration.ofMillis(250);

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

  private enum Kind {
    /** A scheduled fire; serving it queues the job's next fire. */
    ON_TIME,
    /** The first fire looked at when the job is loaded (a missed one); does not chain. */
    FIRST,
    /** A manual run request. */
    MANUAL,
    /** Another worker should have claimed it by now: claim if still unclaimed. */
    TAKEOVER,
    /** The claim failed (etcd unreachable): try again if still unclaimed. */
    RETRY
  }

  /**
   * One entry of the timer queue. A {@code staleCheck} entry looks again at a fire waiting for its
   * predecessor's claim (in {@code blocked}) once that predecessor is stale; it does nothing if the
   * cursor released the fire before.
   */
  private record Due(Instant at, Fire fire, Kind kind, int checks, boolean staleCheck) {
    Due(Instant at, Fire fire, Kind kind, int checks) {
      this(at, fire, kind, checks, false);
    }
  }

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
  private final PriorityQueue<Due> queue =
      new PriorityQueue<>(Comparator.comparing(Due::at).thenComparing(d -> d.fire().jobName()));
  private final Map<String, Entry> jobs = new HashMap<>();

  /** Jobs with notification targets: the ends of their runs are noted for the masters. */
  private final Set<String> notifying = ConcurrentHashMap.newKeySet();

  /** Whether {@code job} has notification targets, as this worker knows it. */
  boolean notifies(String job) {
    return notifying.contains(job);
  }

  private final Map<String, List<Due>> blocked = new ConcurrentHashMap<>();
  private final Map<String, List<Request>> pendingManual = new HashMap<>();
  private final Duration staleAfter;
  private final Loop loop;
  private volatile boolean running = true;

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
    this.loop = new Loop("etcron-scheduler", this::servePass, () -> {}, Loop.QUICK);
  }

  void start() {
    loop.start();
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
        added.add(new Due(now, fire, Kind.FIRST, 0));
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
                          Kind.ON_TIME,
                          0)));
    }
    lock.lock();
    try {
      jobs.put(job.name().value(), new Entry(job, version));
      blocked.remove(job.name().value());
      for (Request r : pendingManual.getOrDefault(job.name().value(), List.of())) {
        queue.add(new Due(now, r.fire(job, version), Kind.MANUAL, 0));
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
    if (!blocked.containsKey(job)) {
      return; // the common case: nothing waits for this job's cursor, no need for the lock
    }
    lock.lock();
    try {
      List<Due> waiting = blocked.get(job);
      if (waiting == null) {
        return;
      }
      Optional<Instant> cursor = cursors.cursor(job);
      if (cursor.isEmpty()) {
        return;
      }
      Instant now = clock.instant();
      boolean released = false;
      for (var it = waiting.iterator(); it.hasNext(); ) {
        Due d = it.next();
        if (!cursor.get().isBefore(d.fire().previous().get())) {
          it.remove();
          queue.add(new Due(now, d.fire(), d.kind(), d.checks()));
          released = true;
        }
      }
      if (waiting.isEmpty()) {
        blocked.remove(job);
      }
      if (released) {
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
          new Due(clock.instant(), request.fire(entry.job(), entry.version()), Kind.MANUAL, 0));
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
      fires.forEach(f -> queue.add(new Due(at, f, Kind.RETRY, 0)));
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Entries in the timer queue and waiting for a cursor (for tests). */
  int queued() {
    lock.lock();
    try {
      return queue.size() + blocked.values().stream().mapToInt(List::size).sum();
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

  private boolean servePass() throws InterruptedException {
    serveDue();
    return running;
  }

  /** Sleeps until something is due, then serves everything due; returns the fires to claim. */
  private List<Fire> serveDue() throws InterruptedException {
    lock.lock();
    try {
      Due head = queue.peek();
      Instant now = clock.instant();
      if (head == null || head.at().isAfter(now)) {
        long wait =
            head == null
                ? MAX_SLEEP.toNanos()
                : Math.min(MAX_SLEEP.toNanos(), Duration.between(now, head.at()).toNanos());
        changed.awaitNanos(Math.max(wait, TimeUnit.MICROSECONDS.toNanos(100)));
        return List.of();
      }
      return serveAll(now);
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
    while (!queue.isEmpty() && !queue.peek().at().isAfter(now)) {
      serve(queue.poll(), now, out);
      // Claiming starts while the rest of a large instant is still being served.
      out.flush(HANDOFF);
    }
    out.flush(1);
    return out.all;
  }

  private void serve(Due due, Instant now, Handoff out) {
    Fire fire = due.fire();
    if (due.staleCheck() && !unblock(fire)) {
      return; // the cursor released it before its predecessor went stale
    }
    Entry entry = jobs.get(fire.jobName());
    if (entry == null) {
      return; // deleted
    }
    if (entry.version() != fire.version()) {
      if (due.kind() == Kind.ON_TIME || due.kind() == Kind.FIRST) {
        return; // edited: the upsert scheduled it anew
      }
      fire = fire.withJob(entry.job(), entry.version());
    }
    Job job = fire.job();
    if (due.kind() == Kind.ON_TIME) {
      Instant t = fire.time();
      job.schedule()
          .next(t, job.timeZone())
          .ifPresent(
              n ->
                  queue.add(
                      new Due(
                          n.minus(claimAhead),
                          Fire.scheduled(job, entry.version(), n, Optional.of(t)),
                          Kind.ON_TIME,
                          0)));
    }
    if ((job.paused() && fire.byCursor()) || !members.eligible(job.tags())) {
      return;
    }
    if (fire.byCursor()) {
      Optional<Fire> ready = inOrder(due, fire, now);
      if (ready.isEmpty()) {
        return;
      }
      fire = ready.get();
    }
    boolean firstTry =
        due.kind() == Kind.ON_TIME || due.kind() == Kind.FIRST || due.kind() == Kind.MANUAL;
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
    queue.add(new Due(takeoverAt, fire, Kind.TAKEOVER, due.checks() + 1));
  }

  /** Takes {@code fire} out of the fires waiting for a cursor; false if it was not there. */
  private boolean unblock(Fire fire) {
    List<Due> waiting = blocked.get(fire.jobName());
    if (waiting == null || !waiting.removeIf(d -> d.fire().time().equals(fire.time()))) {
      return false;
    }
    if (waiting.isEmpty()) {
      blocked.remove(fire.jobName());
    }
    return true;
  }

  /**
   * Claims a job's fires in order and at the pace of its schedule. The fire is ready when the
   * cursor has reached its previous fire and half the period has passed since this worker saw that
   * happen; until then it waits for the cursor to move. A previous fire that stays unclaimed past
   * {@code staleAfter} was missed: the fire is then claimed as a catch-up.
   */
  private Optional<Fire> inOrder(Due due, Fire fire, Instant now) {
    String name = fire.jobName();
    Optional<Instant> cursor = cursors.cursor(name);
    if (cursor.isPresent() && !cursor.get().isBefore(fire.time())) {
      return Optional.empty(); // claimed already
    }
    if (fire.catchUp() || fire.previous().isEmpty()) {
      return Optional.of(fire);
    }
    Instant previous = fire.previous().get();
    if (cursor.isEmpty() || cursor.get().isBefore(previous)) {
      if (Duration.between(previous, now).compareTo(staleAfter) > 0) {
        return Optional.of(fire.asCatchUp());
      }
      // Waiting must not chain again: the ON_TIME entry already queued the job's next fire.
      Due waiting =
          new Due(
              due.at(), fire, due.kind() == Kind.ON_TIME ? Kind.FIRST : due.kind(), due.checks());
      blocked.computeIfAbsent(name, k -> new ArrayList<>()).add(waiting);
      queue.add(
          new Due(
              previous.plus(staleAfter).plusMillis(1), fire, waiting.kind(), due.checks(), true));
      return Optional.empty();
    }
    // Pace: not sooner than half a period (at most MAX_PACE) after the predecessor's claim was
    // seen, so that a worker whose clock runs ahead leaves the previous run time to finish. The
    // cap keeps a worker behind schedule from falling further behind, and a fire already far
    // behind is not paced at all.
    Duration half = Duration.between(previous, fire.time()).dividedBy(2);
    Duration pace = half.compareTo(MAX_PACE) < 0 ? half : MAX_PACE;
    boolean farBehind = Duration.between(fire.time(), now).compareTo(staleAfter.dividedBy(2)) > 0;
    Optional<Instant> readyAt =
        cursors.advancedAt(name).map(t -> t.plus(pace)).filter(t -> !farBehind && t.isAfter(now));
    if (readyAt.isPresent()) {
      Kind kind = due.kind() == Kind.ON_TIME ? Kind.FIRST : due.kind();
      queue.add(new Due(readyAt.get(), fire, kind, due.checks()));
      return Optional.empty();
    }
    return Optional.of(fire);
  }

  @Override
  public void close() {
    running = false;
    loop.interruptAndStop(Duration.ofSeconds(5));
  }
}
