package io.etcron.chaos.check;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A clean history of 15 seconds: three jobs {@code @every 1s} (forbid {@code f}, allow {@code a},
 * forbid {@code s}), each fire executed for 490 ms and recorded SUCCEEDED, fires 1-5 on {@code w1}
 * and 6-15 on {@code w2}; {@code w1} is killed at 5.6 s. Tests then break one thing at a time.
 */
final class SyntheticHistory {
  static final Instant T0 = Instant.ofEpochMilli(1_800_000_000_000L);
  static final Duration TTL = Duration.ofSeconds(5);
  static final Instant KILL = at(5_600);

  final List<JobDef> jobs = new ArrayList<>();
  final Map<String, Execution> executions = new LinkedHashMap<>();
  final List<Execution> extra = new ArrayList<>();
  final Map<String, RunRecord> records = new LinkedHashMap<>();
  final Map<String, ClaimedFire> claims = new LinkedHashMap<>();
  final List<WorkerFault> faults = new ArrayList<>();

  SyntheticHistory() {
    long token = 100;
    for (String job : List.of("f", "a", "s")) {
      jobs.add(new JobDef(job, job.equals("a") ? "allow" : "forbid", Duration.ofSeconds(1), T0));
    }
    for (int second = 1; second <= 15; second++) {
      for (String job : List.of("f", "a", "s")) {
        token++;
        Instant fire = at(second * 1000L);
        String id = job + "@" + fire.toEpochMilli();
        String worker = second <= 5 ? "w1" : "w2";
        executions.put(
            id,
            new Execution(
                job,
                id,
                1,
                token,
                worker,
                1000 + token,
                fire.plusMillis(10),
                fire.plusMillis(500),
                Optional.of(0),
                false));
        records.put(id, record(id, job, fire, "SUCCEEDED", worker, token, ""));
        claims.put(id, new ClaimedFire(job, fire, token));
      }
    }
    faults.add(new WorkerFault("w1", WorkerFault.Kind.KILL, KILL, at(12_000)));
  }

  static Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  /** Another execution of {@code x}'s run. */
  static Execution another(
      Execution x,
      int attempt,
      String worker,
      long pid,
      Instant start,
      Instant lastAlive,
      Optional<Integer> exit) {
    return new Execution(
        x.job(), x.runId(), attempt, x.token(), worker, pid, start, lastAlive, exit, false);
  }

  static String id(String job, int second) {
    return job + "@" + at(second * 1000L).toEpochMilli();
  }

  static RunRecord record(
      String id, String job, Instant fire, String state, String worker, long token, String reason) {
    return new RunRecord(id, job, fire, "SCHEDULE", state, worker, token, 1, reason);
  }

  void state(String id, String state) {
    records.put(id, records.get(id).withState(state));
  }

  void lastAlive(String id, Instant lastAlive) {
    executions.put(id, executions.get(id).withLastAlive(lastAlive));
  }

  void token(String id, long token) {
    executions.put(id, executions.get(id).withToken(token));
    RunRecord r = records.get(id).withToken(token);
    records.put(id, r);
    claims.put(id, new ClaimedFire(r.job(), r.fireTime(), token));
  }

  History history() {
    List<Execution> all = new ArrayList<>(executions.values());
    all.addAll(extra);
    return new History(
        jobs,
        all,
        List.copyOf(records.values()),
        List.copyOf(claims.values()),
        faults,
        at(15_000),
        at(20_000),
        TTL,
        Duration.ofSeconds(1));
  }
}
