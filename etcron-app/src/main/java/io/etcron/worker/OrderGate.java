package io.etcron.worker;

import io.etcron.claim.Fire;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Claims a job's fires in order and at the pace of its schedule, so that a worker whose clock runs
 * ahead cannot overtake the others. A fire is let through when the cursor has reached its previous
 * fire and half the period (at most {@link #MAX_PACE}) has passed since this worker saw that
 * happen; until then it waits here for the job's cursor to move. A previous fire that stays
 * unclaimed past {@code staleAfter} was missed: the fire is then let through as a catch-up.
 *
 * <p>Each waiting fire waits in one place, so that a claim landing late costs one look per fire,
 * not one per fire and cursor move. Not thread-safe: the {@link Scheduler} calls it under its lock,
 * except {@link #waitsFor}, which may be called without it.
 */
final class OrderGate {
  /** The longest a claim waits after its predecessor's. */
  static final Duration MAX_PACE = Duration.ofMillis(250);

  private final CursorView cursors;
  private final Duration staleAfter;
  private final Map<String, List<Due>> blocked = new ConcurrentHashMap<>();

  OrderGate(CursorView cursors, Duration staleAfter) {
    this.cursors = cursors;
    this.staleAfter = staleAfter;
  }

  /**
   * The fire to claim now, or empty when it is claimed already or must wait; a fire that must wait
   * is kept here or handed to {@code later} as the entry to look at again.
   */
  Optional<Fire> admit(Due due, Fire fire, Instant now, Consumer<Due> later) {
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
      Due waiting = new Due(due.at(), fire, due.kind().waiting(), due.checks());
      blocked.computeIfAbsent(name, k -> new ArrayList<>()).add(waiting);
      later.accept(
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
      later.accept(new Due(readyAt.get(), fire, due.kind().waiting(), due.checks()));
      return Optional.empty();
    }
    return Optional.of(fire);
  }

  /** Whether fires of {@code job} wait for its cursor (cheap; needs no lock). */
  boolean waitsFor(String job) {
    return blocked.containsKey(job);
  }

  /**
   * The cursor of {@code job} moved: the waiting fires whose predecessor it has now reached leave
   * the gate, as entries to look at {@code now}; the others keep waiting.
   */
  List<Due> released(String job, Instant now) {
    List<Due> waiting = blocked.get(job);
    Optional<Instant> cursor = cursors.cursor(job);
    if (waiting == null || cursor.isEmpty()) {
      return List.of();
    }
    List<Due> released = new ArrayList<>();
    for (var it = waiting.iterator(); it.hasNext(); ) {
      Due d = it.next();
      if (!cursor.get().isBefore(d.fire().previous().get())) {
        it.remove();
        released.add(d.again(now));
      }
    }
    if (waiting.isEmpty()) {
      blocked.remove(job);
    }
    return released;
  }

  /** Takes {@code fire} out of the waiting fires; false if it was not there. */
  boolean unblock(Fire fire) {
    List<Due> waiting = blocked.get(fire.jobName());
    if (waiting == null || !waiting.removeIf(d -> d.fire().time().equals(fire.time()))) {
      return false;
    }
    if (waiting.isEmpty()) {
      blocked.remove(fire.jobName());
    }
    return true;
  }

  /** Forgets the waiting fires of {@code job} (it was scheduled anew). */
  void forget(String job) {
    blocked.remove(job);
  }

  /** Fires waiting, for tests. */
  int waiting() {
    return blocked.values().stream().mapToInt(List::size).sum();
  }
}
