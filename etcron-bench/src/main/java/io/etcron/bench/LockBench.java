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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Acquire + release cycles per second, from one client, for three ways of locking beside the raw
 * limit (the same put-if-absent transaction plus a delete, with no lock logic):
 *
 * <ul>
 *   <li>(a) classic: a lease per lock (grant, keep-alive, txn, revoke);
 *   <li>(b) session: one shared session lease, one txn to acquire, one to release;
 *   <li>(c) jetcd's server-side Lock API on a shared lease;
 *   <li>(d) raw: put-if-absent txn + delete.
 * </ul>
 *
 * <p>The machine drifts (other processes, CPU frequency, etcd compaction), so the scenarios are not
 * run one after the other: they alternate in short slices, round after round, each round starting
 * with a different scenario, and every ratio is the median over the rounds of the ratio within one
 * round. Two runs then agree within a few per cent even when absolute rates move.
 */
public final class LockBench {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> SCENARIOS =
      List.of(
          "(a) classic, a lease per lock",
          "(b) session lock",
          "(c) jetcd Lock API",
          "(d) raw txn + delete",
          "(e) raw txn + fenced delete");

  private final Client client;
  private final Duration duration;
  private final Duration slice;
  private final PrintWriter out;

  /**
   * @param duration measured time per scenario and concurrency, split into slices
   * @param slice length of one slice
   */
  public LockBench(Client client, Duration duration, Duration slice, PrintWriter out) {
    this.client = client;
    this.duration = duration;
    this.slice = slice;
    this.out = out;
  }

  /** Runs every scenario at each concurrency, prints the table and the final JSON line. */
  public Map<String, Object> run(List<Integer> concurrencies) throws Exception {
    int rounds = (int) Math.max(3, duration.toMillis() / slice.toMillis());
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Object> summary = new LinkedHashMap<>();
    try (Session session = Session.builder(client).ttl(Duration.ofSeconds(30)).open()) {
      long lease = session.leaseId();
      out.printf(
          "%-32s %5s %10s %8s %8s %7s %8s%n",
          "scenario", "loops", "cycles/s", "p50 ms", "p99 ms", "x raw", "x jetcd");
      for (int loops : concurrencies) {
        List<IntFunction<Throughput.Cycle>> cycles =
            List.of(
                i -> classicCycle("bench-a-" + loops + "-" + i),
                i -> sessionCycle(session, "bench-b-" + loops + "-" + i),
                i -> jetcdCycle("bench/c/" + loops + "/" + i, lease),
                i -> RawTxn.cycle(client, "bench/raw/" + loops + "/" + i, lease),
                i -> RawTxn.cycle(client, "bench/fenced/" + loops + "/" + i, lease, true));
        Slices slices = measure(loops, rounds, cycles);
        for (int s = 0; s < SCENARIOS.size(); s++) {
          String name = SCENARIOS.get(s);
          double[] toRaw = slices.ratios(s, 3);
          double[] toJetcd = slices.ratios(s, 2);
          out.printf(
              "%-32s %5d %10.0f %8.2f %8.2f %7.2f %8.2f%n",
              name,
              loops,
              slices.medianRate(s),
              slices.p50(s),
              slices.p99(s),
              median(toRaw),
              median(toJetcd));
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("scenario", name.substring(1, 2));
          row.put("name", name.substring(4));
          row.put("loops", loops);
          row.put("cycles_per_s", round(slices.medianRate(s)));
          row.put("p50_ms", round(slices.p50(s)));
          row.put("p99_ms", round(slices.p99(s)));
          row.put("ratio_to_raw", round(median(toRaw)));
          row.put("ratio_to_jetcd", round(median(toJetcd)));
          row.put("ratio_to_raw_per_round", roundAll(toRaw));
          row.put("cycles_per_s_per_round", roundAll(slices.rates(s)));
          rows.add(row);
        }
        summary.put("session_vs_raw_" + loops, round(median(slices.ratios(1, 3))));
        summary.put("session_vs_jetcd_" + loops, round(median(slices.ratios(1, 2))));
        summary.put("jetcd_vs_raw_" + loops, round(median(slices.ratios(2, 3))));
        summary.put("classic_vs_raw_" + loops, round(median(slices.ratios(0, 3))));
        out.flush();
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "lock");
    json.put("duration_s", duration.toMillis() / 1000.0);
    json.put("slice_s", slice.toMillis() / 1000.0);
    json.put("rounds", rounds);
    json.put("results", rows);
    json.putAll(summary);
    out.println(new ObjectMapper().writeValueAsString(json));
    out.flush();
    return json;
  }

  /**
   * One warm-up slice per scenario, then {@code rounds} rounds of one slice each, rotated. Each
   * slice starts its loops a fifth of a slice before it measures, so that no scenario's figure
   * includes its threads' start.
   */
  private Slices measure(int loops, int rounds, List<IntFunction<Throughput.Cycle>> cycles)
      throws Exception {
    int n = cycles.size();
    for (IntFunction<Throughput.Cycle> c : cycles) {
      Throughput.measure(loops, slice.dividedBy(5), slice, c);
    }
    Slices slices = new Slices(n, rounds);
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < n; k++) {
        int s = (r + k) % n;
        slices.add(s, r, Throughput.measure(loops, slice.dividedBy(5), slice, cycles.get(s)));
      }
    }
    return slices;
  }

  /** Results of every slice: {@code [scenario][round]}. */
  private static final class Slices {
    private final Throughput.Result[][] results;

    Slices(int scenarios, int rounds) {
      results = new Throughput.Result[scenarios][rounds];
    }

    void add(int scenario, int round, Throughput.Result r) {
      results[scenario][round] = r;
    }

    double[] rates(int s) {
      return Arrays.stream(results[s]).mapToDouble(Throughput.Result::perSecond).toArray();
    }

    /** Per round: the rate of scenario {@code s} over that of {@code reference}. */
    double[] ratios(int s, int reference) {
      double[] r = new double[results[s].length];
      for (int i = 0; i < r.length; i++) {
        r[i] = results[s][i].perSecond() / results[reference][i].perSecond();
      }
      return r;
    }

    double medianRate(int s) {
      return median(rates(s));
    }

    double p50(int s) {
      return median(Arrays.stream(results[s]).mapToDouble(Throughput.Result::p50Millis).toArray());
    }

    double p99(int s) {
      return median(Arrays.stream(results[s]).mapToDouble(Throughput.Result::p99Millis).toArray());
    }
  }

  private Throughput.Cycle classicCycle(String name) {
    Lock lock = Lock.withOwnLease(Session.builder(client).ttl(Duration.ofSeconds(30)), name);
    return () -> lock.tryAcquire().lock().orElseThrow().release();
  }

  private static Throughput.Cycle sessionCycle(Session session, String name) {
    Lock lock = Lock.on(session, name);
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

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    if (n == 0) {
      return 0;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static double[] roundAll(double[] v) {
    return Arrays.stream(v).map(LockBench::round).toArray();
  }
}
