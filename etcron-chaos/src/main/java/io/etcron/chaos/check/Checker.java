package io.etcron.chaos.check;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks the guarantees G1-G4 over a recorded {@link History} and counts each violation once.
 * Conservative where the history is coarse: an execution's life is taken from its first to its last
 * logged event, which can only shorten it, so an overlap it reports did happen.
 *
 * <p>Pure and stateless; thread-safe.
 */
public final class Checker {
  private static final int EXAMPLES = 5;
  private static final Pattern RUN_ID =
      Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)@(\\d+)(~manual)?");
  private static final Duration SLACK = Duration.ofSeconds(1);

  private final History h;
  private final Map<String, JobDef> jobs = new HashMap<>();
  private final Map<String, RunRecord> records = new HashMap<>();
  private final Map<String, List<Execution>> byRun = new HashMap<>();
  private final Map<String, List<String>> examples = new LinkedHashMap<>();

  private Checker(History h) {
    this.h = h;
    h.jobs().forEach(j -> jobs.put(j.name(), j));
    h.records().forEach(r -> records.put(r.runId(), r));
    h.executions().forEach(e -> byRun.computeIfAbsent(e.runId(), k -> new ArrayList<>()).add(e));
  }

  /** Checks {@code history}. */
  public static Report check(History history) {
    return new Checker(history).report();
  }

  private Report report() {
    Map<String, Integer> byState = new TreeMap<>();
    h.records().forEach(r -> byState.merge(r.state(), 1, Integer::sum));
    long[] maxOverlap = {0};
    int overlaps = forbidOverlaps(maxOverlap);
    List<Long> failovers = new ArrayList<>();
    Map<String, List<Long>> byFault = new LinkedHashMap<>();
    int slow = failovers(failovers, byFault);
    return new Report(
        h.executions().size(),
        h.records().size(),
        h.claims().size(),
        byState,
        duplicates(),
        overlaps,
        maxOverlap[0],
        outlivedLease(),
        firesWithoutRecord(),
        doubleRecords(),
        finishedWithoutRecord(),
        completedAfterLost(),
        tokenOrder(),
        slow,
        failovers,
        byFault,
        bound(Duration.ofSeconds(1)).toMillis(),
        skippedBehindPhantom(),
        examples);
  }

  /** G1: a run id with one attempt executed twice, or executed on two workers. */
  private int duplicates() {
    int n = 0;
    for (Map.Entry<String, List<Execution>> e : byRun.entrySet()) {
      List<Execution> xs = e.getValue();
      long attempts = xs.stream().map(Execution::attempt).distinct().count();
      long workers = xs.stream().map(Execution::worker).distinct().count();
      if (attempts < xs.size() || workers > 1) {
        n++;
        example(
            "duplicates", xs.stream().map(Execution::describe).collect(Collectors.joining("; ")));
      }
    }
    return n;
  }

  /** G2: per forbid job, executions that start while an earlier one still lives. */
  private int forbidOverlaps(long[] maxOverlap) {
    int n = 0;
    for (List<Execution> xs : byJob().values()) {
      JobDef job = jobs.get(xs.get(0).job());
      if (job == null || !job.forbidsOverlap()) {
        continue;
      }
      xs.sort(Comparator.comparing(Execution::start));
      Execution longest = null;
      for (Execution x : xs) {
        if (longest != null && longest.lastAlive().isAfter(x.start())) {
          n++;
          Instant until = min(longest.lastAlive(), x.lastAlive());
          long ms = Duration.between(x.start(), until).toMillis();
          maxOverlap[0] = Math.max(maxOverlap[0], ms);
          example(
              "forbidOverlaps",
              x.describe() + " started " + ms + " ms before the end of " + longest.describe());
        }
        if (longest == null || x.lastAlive().isAfter(longest.lastAlive())) {
          longest = x;
        }
      }
    }
    return n;
  }

  /**
   * G2: executions of a killed or frozen worker alive after its lease could expire (fault + TTL),
   * and executions it started after waking for fires that were due before it froze.
   */
  private int outlivedLease() {
    Set<Execution> bad = new HashSet<>();
    for (WorkerFault f : h.workerFaults()) {
      Instant expiry = f.at().plus(h.ttl());
      if (!f.until().isAfter(expiry)) {
        continue;
      }
      for (Execution x : h.executions()) {
        if (!x.worker().equals(f.worker())) {
          continue;
        }
        boolean outlived = !x.start().isAfter(f.at()) && x.lastAlive().isAfter(expiry);
        boolean stale =
            !x.start().isBefore(f.until())
                && fireTime(x.runId()).map(t -> t.isBefore(f.at())).orElse(false);
        if ((outlived || stale) && bad.add(x)) {
          example(
              "outlivedLease",
              x.describe()
                  + (outlived
                      ? " outlived the lease of " + f.kind() + " at " + f.at()
                      : " started after " + f.kind() + " " + f.at() + " .. " + f.until()));
        }
      }
    }
    return bad.size();
  }

  /** G3: every due fire (by schedule) and every claimed fire ends in a record. */
  private int firesWithoutRecord() {
    Set<String> due = new HashSet<>();
    for (JobDef job : h.jobs()) {
      for (Instant t = job.nextFireAfter(job.createdAt());
          !t.isAfter(h.dueUntil());
          t = t.plus(job.period())) {
        due.add(job.name() + "@" + t.toEpochMilli());
      }
    }
    for (ClaimedFire c : h.claims()) {
      if (jobs.containsKey(c.job()) && !c.fireTime().isAfter(h.dueUntil())) {
        due.add(c.runId());
      }
    }
    int n = 0;
    for (String id : new java.util.TreeSet<>(due)) {
      if (!records.containsKey(id)) {
        n++;
        example("firesWithoutRecord", id + (byRun.containsKey(id) ? " (it executed)" : ""));
      }
    }
    return n;
  }

  /** Two rows for one fire, or a fire that executed but is recorded as not run. */
  private int doubleRecords() {
    Map<String, List<RunRecord>> byFire = new HashMap<>();
    for (RunRecord r : h.records()) {
      byFire
          .computeIfAbsent(
              r.job() + "@" + r.fireTime().toEpochMilli() + "/" + r.trigger(),
              k -> new ArrayList<>())
          .add(r);
    }
    Set<String> bad = new HashSet<>();
    byFire.forEach(
        (fire, rs) -> {
          if (rs.size() > 1 && bad.add(fire)) {
            example(
                "doubleRecords",
                fire
                    + " has "
                    + rs.size()
                    + " rows: "
                    + rs.stream().map(RunRecord::runId).toList());
          }
        });
    byRun.forEach(
        (id, xs) -> {
          RunRecord r = records.get(id);
          if (r != null
              && r.notRun()
              && bad.add(r.job() + "@" + r.fireTime().toEpochMilli() + "/" + r.trigger())) {
            example(
                "doubleRecords", id + " executed but is recorded " + r.state() + ": " + r.reason());
          }
        });
    return bad.size();
  }

  /**
   * G4: when the last attempt's command logged its end (before the settle margin), the run has a
   * finished record.
   */
  private int finishedWithoutRecord() {
    int n = 0;
    for (Map.Entry<String, List<Execution>> e : byRun.entrySet()) {
      Execution last =
          e.getValue().stream().max(Comparator.comparingInt(Execution::attempt)).orElseThrow();
      if (!last.ended() || !last.lastAlive().isBefore(h.endedBefore())) {
        continue;
      }
      RunRecord r = records.get(e.getKey());
      if (r == null || r.state().equals("RUNNING")) {
        n++;
        example(
            "finishedWithoutRecord",
            last.describe()
                + " is "
                + (r == null ? "not in the run store" : "still recorded RUNNING"));
      }
    }
    return n;
  }

  /** G4: a run recorded LOST whose command ran on to exit 0. */
  private int completedAfterLost() {
    int n = 0;
    for (Map.Entry<String, List<Execution>> e : byRun.entrySet()) {
      RunRecord r = records.get(e.getKey());
      if (r == null || !r.state().equals("LOST")) {
        continue;
      }
      Optional<Execution> ok =
          e.getValue().stream().filter(x -> x.exitCode().equals(Optional.of(0))).findFirst();
      if (ok.isPresent()) {
        n++;
        example("completedAfterLost", ok.get().describe() + " is recorded LOST: " + r.reason());
      }
    }
    return n;
  }

  /**
   * Fencing tokens: one token per run (its executions and its record agree), and per job strictly
   * increasing in fire order.
   */
  private int tokenOrder() {
    Set<String> bad = new HashSet<>();
    Map<String, TreeMap<Instant, Long>> perJob = new HashMap<>();
    byRun.forEach(
        (id, xs) -> {
          Set<Long> tokens = xs.stream().map(Execution::token).collect(Collectors.toSet());
          RunRecord r = records.get(id);
          if (r != null) {
            tokens.add(r.token());
          }
          if (tokens.size() > 1 && bad.add(id)) {
            example("tokenOrder", id + " carries the tokens " + tokens);
          }
          Optional<Instant> fire = fireTime(id).filter(t -> !id.endsWith("~manual"));
          fire.ifPresent(
              t ->
                  perJob
                      .computeIfAbsent(xs.get(0).job(), k -> new TreeMap<>())
                      .put(t, xs.get(0).token()));
        });
    perJob.forEach(
        (job, tokens) -> {
          long max = Long.MIN_VALUE;
          Instant maxAt = null;
          for (Map.Entry<Instant, Long> e : tokens.entrySet()) {
            if (e.getValue() <= max) {
              String id = job + "@" + e.getKey().toEpochMilli();
              if (bad.add(id)) {
                example(
                    "tokenOrder",
                    id
                        + " has token "
                        + e.getValue()
                        + ", not above "
                        + max
                        + " of the earlier fire "
                        + maxAt);
              }
            } else {
              max = e.getValue();
              maxAt = e.getKey();
            }
          }
        });
    return bad.size();
  }

  /**
   * Failover: after each worker fault, for each forbid job whose last execution before it ran on
   * that worker, the time to the job's next start on another worker, or on that worker once it was
   * restarted or continued (it may take the job again: any live worker may).
   */
  private int failovers(List<Long> out, Map<String, List<Long>> byFault) {
    int slow = 0;
    Map<String, List<Execution>> perJob = byJob();
    for (WorkerFault f : h.workerFaults()) {
      for (List<Execution> xs : perJob.values()) {
        JobDef job = jobs.get(xs.get(0).job());
        if (job == null || !job.forbidsOverlap()) {
          continue;
        }
        Optional<Execution> before =
            xs.stream()
                .filter(x -> !x.start().isAfter(f.at()))
                .max(Comparator.comparing(Execution::start));
        if (before.isEmpty() || !before.get().worker().equals(f.worker())) {
          continue;
        }
        Optional<Execution> next =
            xs.stream()
                .filter(
                    x ->
                        x.start().isAfter(f.at())
                            && (!x.worker().equals(f.worker()) || x.start().isAfter(f.until())))
                .min(Comparator.comparing(Execution::start));
        if (next.isEmpty()) {
          continue;
        }
        Duration d = Duration.between(f.at(), next.get().start());
        out.add(d.toMillis());
        byFault
            .computeIfAbsent(f.kind() + " " + f.worker() + " at " + f.at(), k -> new ArrayList<>())
            .add(d.toMillis());
        if (d.compareTo(bound(job.period())) > 0) {
          slow++;
          example(
              "slowFailovers",
              job.name()
                  + ": "
                  + d.toMillis()
                  + " ms after "
                  + f.kind()
                  + " of "
                  + f.worker()
                  + " at "
                  + f.at());
        }
      }
    }
    out.sort(null);
    return slow;
  }

  private Duration bound(Duration period) {
    return h.ttl().plus(h.grace()).plus(period).plus(SLACK);
  }

  /** SKIPPED records that name a holder which has no record and never executed. */
  private int skippedBehindPhantom() {
    int n = 0;
    for (RunRecord r : h.records()) {
      if (!r.state().equals("SKIPPED")) {
        continue;
      }
      Matcher m = RUN_ID.matcher(r.reason());
      while (m.find()) {
        String holder = m.group();
        if (!holder.equals(r.runId())
            && !records.containsKey(holder)
            && !byRun.containsKey(holder)) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  private Map<String, List<Execution>> byJob() {
    Map<String, List<Execution>> out = new TreeMap<>();
    h.executions().forEach(x -> out.computeIfAbsent(x.job(), k -> new ArrayList<>()).add(x));
    return out;
  }

  private void example(String kind, String text) {
    List<String> xs = examples.computeIfAbsent(kind, k -> new ArrayList<>());
    if (xs.size() < EXAMPLES) {
      xs.add(text);
    }
  }

  /** The fire time of a run id, when it has the form {@code job@millis}. */
  static Optional<Instant> fireTime(String runId) {
    Matcher m = RUN_ID.matcher(runId);
    return m.matches()
        ? Optional.of(Instant.ofEpochMilli(Long.parseLong(m.group(2))))
        : Optional.empty();
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
