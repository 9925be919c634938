package io.etcron.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcron.lock.Lock;
import io.etcron.lock.Session;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Acquire + release cycles per second, from one client, for four ways of locking, each beside the
 * raw limit: the same put-if-absent transaction plus a delete, with no lock logic.
 *
 * <ul>
 *   <li>(a) classic: a lease per lock (grant, keep-alive, txn, revoke);
 *   <li>(b) session: one shared session lease, one txn to acquire, one to release;
 *   <li>(c) jetcd's server-side Lock API on a shared lease;
 *   <li>(d) raw: put-if-absent txn + delete.
 * </ul>
 */
public final class LockBench {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Client client;
  private final Duration window;
  private final PrintWriter out;

  public LockBench(Client client, Duration window, PrintWriter out) {
    this.client = client;
    this.window = window;
    this.out = out;
  }

  /** Runs every scenario at each concurrency, prints the table and the final JSON line. */
  public Map<String, Object> run(List<Integer> concurrencies) throws Exception {
    Duration warmUp = Duration.ofMillis(Math.max(1000, window.toMillis() / 5));
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Object> summary = new LinkedHashMap<>();
    try (Session session = Session.builder(client).ttl(Duration.ofSeconds(30)).open()) {
      long lease = session.leaseId();
      out.printf(
          "%-34s %5s %10s %8s %8s %7s%n",
          "scenario", "loops", "cycles/s", "p50 ms", "p99 ms", "x raw");
      for (int loops : concurrencies) {
        // The reference is measured before and after the others and the faster run kept, so that
        // JIT warm-up or a noisy neighbour never flatters the ratios.
        Throughput.Result rawBefore =
            Throughput.measure(
                loops, warmUp, window, i -> rawCycle("bench/raw/" + loops + "/" + i, lease));
        Map<String, Throughput.Result> results = new LinkedHashMap<>();
        results.put(
            "(a) classic, a lease per lock",
            Throughput.measure(
                loops, warmUp, window, i -> classicCycle("bench-a-" + loops + "-" + i)));
        results.put(
            "(b) session lock",
            Throughput.measure(
                loops, warmUp, window, i -> sessionCycle(session, "bench-b-" + loops + "-" + i)));
        results.put(
            "(c) jetcd Lock API",
            Throughput.measure(
                loops, warmUp, window, i -> jetcdCycle("bench/c/" + loops + "/" + i, lease)));
        Throughput.Result rawAfter =
            Throughput.measure(
                loops, warmUp, window, i -> rawCycle("bench/raw2/" + loops + "/" + i, lease));
        Throughput.Result raw =
            rawBefore.perSecond() >= rawAfter.perSecond() ? rawBefore : rawAfter;
        results.put("(d) raw txn + delete", raw);
        for (var e : results.entrySet()) {
          double ratio = e.getValue().perSecond() / raw.perSecond();
          Throughput.Result r = e.getValue();
          out.printf(
              "%-34s %5d %10.0f %8.2f %8.2f %7.2f%n",
              e.getKey(), loops, r.perSecond(), r.p50Millis(), r.p99Millis(), ratio);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("scenario", e.getKey().substring(1, 2));
          row.put("name", e.getKey().substring(4));
          row.put("loops", loops);
          row.put("cycles_per_s", round(r.perSecond()));
          row.put("p50_ms", round(r.p50Millis()));
          row.put("p99_ms", round(r.p99Millis()));
          row.put("ratio_to_raw", round(ratio));
          rows.add(row);
        }
        summary.put(
            "session_vs_raw_" + loops,
            round(results.get("(b) session lock").perSecond() / raw.perSecond()));
        out.flush();
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "lock");
    json.put("window_s", window.toSeconds());
    json.put("results", rows);
    json.putAll(summary);
    out.println(new ObjectMapper().writeValueAsString(json));
    out.flush();
    return json;
  }

  private Throughput.Cycle classicCycle(String name) {
    Lock lock = Session.builder(client).ttl(Duration.ofSeconds(30)).lockWithOwnLease(name);
    return () -> lock.tryAcquire().lock().orElseThrow().release();
  }

  private static Throughput.Cycle sessionCycle(Session session, String name) {
    Lock lock = session.lock(name);
    return () -> lock.tryAcquire().lock().orElseThrow().release();
  }

  private Throughput.Cycle jetcdCycle(String name, long lease) {
    ByteSequence key = bytes(name);
    return () -> {
      ByteSequence owned =
          client
              .getLockClient()
              .lock(key, lease)
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .getKey();
      client.getLockClient().unlock(owned).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    };
  }

  private Throughput.Cycle rawCycle(String name, long lease) {
    return RawTxn.cycle(client, name, lease);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
