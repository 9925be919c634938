package io.etcron.worker;

import io.etcron.claim.Fire;
import io.etcron.job.Job;
import io.etcron.run.Trigger;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One timer for every job: a priority queue of due times, served by one named thread that sleeps
 * until the earliest, collects everything due, and hands the fires to claim to {@link Claims}.
 * No thread per job and no scan of all jobs per tick: each job has one entry, re-queued with its
 * next fire when served.
 *
 * <p>At a fire time only the preferred worker claims; every other eligible worker queues a
 * takeover at fire time + grace, which claims only if the cursor it sees is still behind the
 * fire. Fires are timed against the injected {@link Clock}. Thread-safe.
 */
final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  private static final Duration MAX_SLEEP = Duration.ofSeconds(1);
  private static final int MAX_TAKEOVER_CHECKS = 30;

  /** Receives fires to claim; must not block. */
  interface Claims {
    void submit(List<Fire> fires);
  }

  /** Tells whether a fire is still unclaimed, as far as this worker can see. */
  interface Unclaimed extends Predicate<Fire> {}

  private enum Kind {
    /** A scheduled fire; serving it queues the job's next fire. */
    ON_TIME,
    /** A fire found missed when the job was loaded; does not chain. */
    MISSED,
    /** A manual run request. */
    MANUAL,
    /** Another worker should have claimed it by now: claim if still unclaimed. */
    TAKEOVER,
    /** The claim failed (etcd unreachable): try again if still unclaimed. */
    RETRY
  }

  private record Due(Instant at, Fire fire, Kind kind, int checks) {}

  private record Entry(Job job, long version) {}

  private final Clock clock;
  private final Duration grace;
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
  private final Thread thread;
  private volatile boolean running = true;

  Scheduler(
      Clock clock,
      Duration grace,
      Members members,
      CursorView cursors,
      Unclaimed unclaimed,
      Claims claims,
      BooleanSupplier hasCapacity) {
    this.clock = clock;
    this.grace = grace;
    this.members = members;
    this.cursors = cursors;
    this.unclaimed = unclaimed;
    this.claims = claims;
    this.hasCapacity = hasCapacity;
    this.thread = new Thread(this::runUntilClosed, "etcron-scheduler");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Adds or replaces a job: its pending fires are dropped and it is scheduled from now. */
  void upsert(Job job, long version) {
    Instant now = clock.instant();
    List<Due> added = new ArrayList<>();
    if (!job.paused()) {
      Optional<Instant> cursor = cursors.cursor(job.name().value());
      if (cursor.isPresent() && cursor.get().isBefore(now)) {
        // Fires between the cursor and now were not claimed: claim the latest at once; its owner
        // applies the misfire policy to all of them.
        Fires.latest(job.schedule(), job.timeZone(), cursor.get(), now)
            .ifPresent(t -> added.add(new Due(now, Fire.scheduled(job, version, t), Kind.MISSED, 0)));
      }
      job.schedule().next(now, job.timeZone())
          .ifPresent(t -> added.add(new Due(t, Fire.scheduled(job, version, t), Kind.ON_TIME, 0)));
    }
    lock.lock();
    try {
      jobs.put(job.name().value(), new Entry(job, version));
      queue.addAll(added);
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Removes a job: it fires no more. */
  void remove(String name) {
    lock.lock();
    try {
      jobs.remove(name);
    } finally {
      lock.unlock();
    }
  }

  /** Queues a manual run request of {@code job} (ignored if the job is unknown here). */
  void manual(String job, Instant at, String triggerKey) {
    lock.lock();
    try {
      Entry entry = jobs.get(job);
      if (entry != null) {
        queue.add(new Due(clock.instant(), Fire.manual(entry.job(), entry.version(), at, triggerKey), Kind.MANUAL, 0));
        changed.signal();
      }
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

  /** Number of jobs scheduled. */
  int size() {
    lock.lock();
    try {
      return jobs.size();
    } finally {
      lock.unlock();
    }
  }

  private void runUntilClosed() {
    while (running) {
      try {
        List<Fire> toClaim = serveDue();
        if (!toClaim.isEmpty()) {
          claims.submit(toClaim);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) {
        log.error("scheduler loop failed; going on", t);
      }
    }
  }

  /** Sleeps until something is due, then serves everything due; returns the fires to claim. */
  private List<Fire> serveDue() throws InterruptedException {
    lock.lock();
    try {
      Due head = queue.peek();
      Instant now = clock.instant();
      if (head == null || head.at().isAfter(now)) {
        long wait = head == null ? MAX_SLEEP.toNanos() : Math.min(MAX_SLEEP.toNanos(), Duration.between(now, head.at()).toNanos());
        changed.awaitNanos(Math.max(wait, TimeUnit.MICROSECONDS.toNanos(100)));
        return List.of();
      }
      List<Fire> toClaim = new ArrayList<>();
      while (!queue.isEmpty() && !queue.peek().at().isAfter(now)) {
        serve(queue.poll(), now, toClaim);
      }
      return toClaim;
    } finally {
      lock.unlock();
    }
  }

  private void serve(Due due, Instant now, List<Fire> toClaim) {
    Fire fire = due.fire();
    Entry entry = jobs.get(fire.jobName());
    if (entry == null) {
      return; // deleted
    }
    if (entry.version() != fire.version()) {
      if (due.kind() != Kind.MANUAL && due.kind() != Kind.RETRY && due.kind() != Kind.TAKEOVER) {
        return; // edited: the upsert scheduled it anew
      }
      fire = new Fire(entry.job(), entry.version(), fire.time(), fire.trigger(), fire.triggerKey());
    }
    Job job = fire.job();
    if (due.kind() == Kind.ON_TIME) {
      job.schedule().next(fire.time(), job.timeZone())
          .ifPresent(t -> queue.add(new Due(t, Fire.scheduled(job, entry.version(), t), Kind.ON_TIME, 0)));
    }
    if (job.paused() && fire.trigger() == Trigger.SCHEDULE) {
      return;
    }
    if (!members.eligible(job.tags())) {
      return;
    }
    boolean firstTry = due.kind() == Kind.ON_TIME || due.kind() == Kind.MISSED || due.kind() == Kind.MANUAL;
    if (firstTry && members.isPreferred(fire.jobName(), job.tags(), fire.time()) && hasCapacity.getAsBoolean()) {
      toClaim.add(fire);
      return;
    }
    if (!firstTry && unclaimed.test(fire)) {
      if (hasCapacity.getAsBoolean()) {
        toClaim.add(fire);
        return;
      }
      if (due.checks() >= MAX_TAKEOVER_CHECKS) {
        return; // the next claim of the job records this fire as missed
      }
    } else if (!firstTry) {
      return; // claimed by someone
    }
    Instant takeoverAt = fire.time().plus(grace);
    if (!takeoverAt.isAfter(now)) {
      takeoverAt = now.plus(grace);
    }
    queue.add(new Due(takeoverAt, fire, Kind.TAKEOVER, due.checks() + 1));
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
