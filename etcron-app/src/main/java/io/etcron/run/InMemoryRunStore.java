package io.etcron.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A {@link RunStore} in memory, with the same semantics as the SQL store: for tests and for
 * benchmarks that keep the database out of the picture. Thread-safe.
 */
public final class InMemoryRunStore implements RunStore {
  /** Output kept per run. */
  static final int OUTPUT_KEPT = 64 * 1024;

  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Map<String, Output> outputs = new ConcurrentHashMap<>();

  private static final class Output {
    long start;
    byte[] bytes = new byte[0];
  }

  @Override
  public synchronized void upsertAll(List<Run> batch) {
    for (Run run : batch) {
      runs.merge(
          run.id().toString(),
          run,
          (stored, incoming) -> stored.acceptsUpdate(incoming) ? incoming : stored);
    }
  }

  @Override
  public synchronized boolean markLost(RunId id, String reason, Instant at) {
    Run stored = runs.get(id.toString());
    if (stored == null || stored.state() != RunState.RUNNING) {
      return false;
    }
    runs.put(id.toString(), stored.lost(reason, at));
    return true;
  }

  @Override
  public Optional<Run> get(RunId id) {
    return Optional.ofNullable(runs.get(id.toString()));
  }

  /** Every stored run (tests count them). */
  public List<Run> all() {
    return List.copyOf(runs.values());
  }

  @Override
  public RunPage query(RunQuery q) {
    Comparator<Run> newestFirst =
        Comparator.comparing(Run::fireTime).thenComparing(r -> r.id().toString()).reversed();
    Optional<RunPage.Position> after = q.cursor().map(RunPage::position);
    List<Run> matching =
        runs.values().stream()
            .filter(r -> q.job().map(r.job()::equals).orElse(true))
            .filter(r -> q.states().isEmpty() || q.states().contains(r.state()))
            .filter(r -> q.worker().map(r.worker()::equals).orElse(true))
            .filter(r -> q.since().map(s -> !r.fireTime().isBefore(s)).orElse(true))
            .filter(r -> q.until().map(u -> r.fireTime().isBefore(u)).orElse(true))
            .filter(r -> after.map(p -> before(r, p)).orElse(true))
            .sorted(newestFirst)
            .limit(q.limit() + 1L)
            .map(Run::summary)
            .collect(Collectors.toList());
    Optional<String> next = Optional.empty();
    if (matching.size() > q.limit()) {
      matching = matching.subList(0, q.limit());
      next = Optional.of(RunPage.cursorAfter(matching.get(matching.size() - 1)));
    }
    return new RunPage(List.copyOf(matching), next);
  }

  /** Whether {@code r} comes after the cursor position in newest-first order. */
  static boolean before(Run r, RunPage.Position p) {
    int c = r.fireTime().compareTo(p.fireTime());
    return c < 0 || (c == 0 && r.id().toString().compareTo(p.id()) < 0);
  }

  @Override
  public List<Run> running() {
    return runs.values().stream()
        .filter(r -> r.state() == RunState.RUNNING)
        .map(Run::summary)
        .toList();
  }

  @Override
  public Map<String, List<Run>> recent(Collection<String> jobs, int perJob) {
    Map<String, List<Run>> out = new HashMap<>();
    for (String job : jobs) {
      List<Run> newest =
          runs.values().stream()
              .filter(r -> r.job().equals(job))
              .sorted(Comparator.comparing(Run::fireTime).reversed())
              .limit(perJob)
              .map(Run::summary)
              .collect(Collectors.toCollection(ArrayList::new));
      Collections.reverse(newest);
      out.put(job, newest);
    }
    return out;
  }

  @Override
  public Map<String, JobStats> stats(Collection<String> jobs, Instant since) {
    Map<String, List<Run>> byJob =
        runs.values().stream()
            .filter(r -> jobs.contains(r.job()) && !r.fireTime().isBefore(since))
            .collect(Collectors.groupingBy(Run::job));
    Map<String, JobStats> stats = new HashMap<>();
    for (String job : jobs) {
      stats.put(job, statsOf(job, byJob.getOrDefault(job, List.of())));
    }
    return stats;
  }

  /** Statistics of the given runs of one job (shared with the SQL store's in-memory step). */
  public static JobStats statsOf(String job, List<Run> window) {
    if (window.isEmpty()) {
      return JobStats.empty(job);
    }
    Map<RunState, Long> counts = new EnumMap<>(RunState.class);
    window.forEach(r -> counts.merge(r.state(), 1L, Long::sum));
    long ran =
        window.stream().filter(r -> r.state().isTerminal() && r.startedAt().isPresent()).count();
    long ok = counts.getOrDefault(RunState.SUCCEEDED, 0L);
    List<Duration> durations =
        window.stream()
            .filter(r -> r.state().isTerminal())
            .flatMap(r -> r.duration().stream())
            .sorted()
            .toList();
    Run last = window.stream().max(Comparator.comparing(Run::fireTime)).orElseThrow().summary();
    return new JobStats(
        job,
        Optional.of(last),
        counts,
        ran == 0 ? Optional.empty() : Optional.of((double) ok / ran),
        percentile(durations, 0.50),
        percentile(durations, 0.95),
        percentile(durations, 0.99));
  }

  static Optional<Duration> percentile(List<Duration> sorted, double p) {
    if (sorted.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1)));
  }

  @Override
  public void appendOutput(RunId id, long offset, byte[] chunk) {
    Output o = outputs.computeIfAbsent(id.toString(), k -> new Output());
    synchronized (o) {
      long end = o.start + o.bytes.length;
      if (offset + chunk.length <= end) {
        return; // already stored
      }
      if (offset > end) {
        o.start = offset; // a gap: what came before was never sent
        o.bytes = new byte[0];
        end = offset;
      }
      int skip = (int) (end - offset);
      byte[] grown = new byte[o.bytes.length + chunk.length - skip];
      System.arraycopy(o.bytes, 0, grown, 0, o.bytes.length);
      System.arraycopy(chunk, skip, grown, o.bytes.length, chunk.length - skip);
      if (grown.length > 2 * OUTPUT_KEPT) {
        int drop = grown.length - OUTPUT_KEPT;
        o.start += drop;
        grown = Arrays.copyOfRange(grown, drop, grown.length);
      }
      o.bytes = grown;
    }
  }

  @Override
  public OutputSlice readOutput(RunId id, long fromOffset) {
    boolean finished = get(id).map(r -> r.state().isTerminal()).orElse(false);
    Output o = outputs.get(id.toString());
    if (o == null) {
      String tail = get(id).map(Run::outputTail).orElse("");
      long size = get(id).map(Run::outputSize).orElse(0L);
      byte[] b = tail.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return OutputSlice.of(size - b.length, b, fromOffset, finished);
    }
    synchronized (o) {
      return OutputSlice.of(o.start, o.bytes, fromOffset, finished);
    }
  }

  @Override
  public synchronized int applyRetention(RetentionPolicy policy, Instant now) {
    Instant cutoff = now.minus(policy.maxAge());
    List<String> doomed = new ArrayList<>();
    Map<String, List<Run>> byJob = runs.values().stream().collect(Collectors.groupingBy(Run::job));
    for (List<Run> jobRuns : byJob.values()) {
      List<Run> newestFirst = new ArrayList<>(jobRuns);
      newestFirst.sort(Comparator.comparing(Run::fireTime).reversed());
      for (int i = 0; i < newestFirst.size(); i++) {
        Run r = newestFirst.get(i);
        if (r.state() != RunState.RUNNING
            && (i >= policy.maxRunsPerJob() || r.fireTime().isBefore(cutoff))) {
          doomed.add(r.id().toString());
        }
      }
    }
    doomed.forEach(
        id -> {
          runs.remove(id);
          outputs.remove(id);
        });
    return doomed.size();
  }

  @Override
  public void close() {}
}
