package io.etcron.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcron.run.RunPage;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.runlog.SqlRunStore;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The run store at scale: first its writes ({@link RunStoreWrites}: batched upserts in rows/s
 * beside a plain {@code INSERT} loop of the same rows), then N generated runs over ~200 jobs and 30
 * days and each listing timed over repetitions, beside a trivial {@code SELECT 1} round trip
 * measured in the same run.
 */
public final class RunStoreBench {
  private static final String[] WORKERS = {"w1", "w2", "w3", "w4", "w5"};
  private static final RunState[] STATES = {
    RunState.SUCCEEDED,
    RunState.SUCCEEDED,
    RunState.SUCCEEDED,
    RunState.SUCCEEDED,
    RunState.SUCCEEDED,
    RunState.SUCCEEDED,
    RunState.SUCCEEDED,
    RunState.FAILED,
    RunState.SKIPPED,
    RunState.MISSED,
    RunState.TIMED_OUT,
    RunState.KILLED,
    RunState.LOST
  };

  private final SqlRunStore store;
  private final PrintWriter out;

  public RunStoreBench(SqlRunStore store, PrintWriter out) {
    this.store = store;
    this.out = out;
  }

  public Map<String, Object> run(int rows, int repetitions) throws Exception {
    return run(rows, repetitions, 0, 500);
  }

  /**
   * As {@link #run(int, int)}, measuring {@code writeRows} written {@code batch} at a time first.
   */
  public Map<String, Object> run(int rows, int repetitions, int writeRows, int batch)
      throws Exception {
    Map<String, Object> writes =
        writeRows > 0 ? new RunStoreWrites(store, out).run(writeRows, batch) : Map.of();
    Instant now = Instant.now();
    long start = System.nanoTime();
    generate(rows, now);
    double loadSeconds = (System.nanoTime() - start) / 1e9;
    out.printf("generated %d runs in %.1f s%n", rows, loadSeconds);
    Map<String, Supplier<Object>> queries = new LinkedHashMap<>();
    RunQuery page = RunQuery.all().limit(50);
    queries.put("SELECT 1 (reference)", this::selectOne);
    queries.put("runs of a job", () -> store.query(page.forJob("job-17")));
    queries.put(
        "runs by state (failed)", () -> store.query(page.inStates(Set.of(RunState.FAILED))));
    queries.put("runs of a worker", () -> store.query(page.ofWorker("w3")));
    queries.put(
        "runs in a 1 h range",
        () ->
            store.query(
                page.between(
                    Optional.of(now.minus(Duration.ofDays(3))),
                    Optional.of(now.minus(Duration.ofDays(3)).plusSeconds(3600)))));
    RunPage first = store.query(page.forJob("job-17"));
    queries.put(
        "second page (cursor)", () -> store.query(page.forJob("job-17").after(first.nextCursor())));
    queries.put("all runs, newest first", () -> store.query(page));
    queries.put(
        "stats of a job (24 h)", () -> store.stats("job-17", now.minus(Duration.ofDays(1))));
    Map<String, Object> results = new LinkedHashMap<>();
    double reference = 0;
    out.printf("%-28s %9s %9s %9s%n", "query", "p50 ms", "p99 ms", "x SELECT1");
    for (var q : queries.entrySet()) {
      long[] times = new long[repetitions];
      for (int i = 0; i < repetitions; i++) {
        long t0 = System.nanoTime();
        q.getValue().get();
        times[i] = System.nanoTime() - t0;
      }
      Arrays.sort(times);
      double p50 = Throughput.percentile(times, 0.5) / 1e6;
      double p99 = Throughput.percentile(times, 0.99) / 1e6;
      if (reference == 0) {
        reference = p50;
      }
      out.printf("%-28s %9.2f %9.2f %9.1f%n", q.getKey(), p50, p99, p50 / reference);
      results.put(
          q.getKey(),
          Map.of(
              "p50_ms",
              round(p50),
              "p99_ms",
              round(p99),
              "ratio_to_select1",
              round(p50 / reference)));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "runstore");
    json.put("database", store.isPostgres() ? "postgresql" : "h2");
    json.put("rows", rows);
    json.put("load_s", round(loadSeconds));
    json.put("writes", writes);
    json.put("queries", results);
    out.println(new ObjectMapper().writeValueAsString(json));
    out.flush();
    return json;
  }

  private Object selectOne() {
    try (Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      return null;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Plain batched inserts (the store's upsert is for correctness, not bulk loading). */
  private void generate(int rows, Instant now) throws Exception {
    Random random = new Random(1);
    long span = Duration.ofDays(30).toMillis();
    try (Connection c = store.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO runs (run_id, job, fire_time, trigger_kind, state, started_at, ended_at, worker, fencing_token, attempt,"
                  + " exit_code, signal, reason, output_tail, output_size, updated_at) VALUES (?, ?, ?, 'SCHEDULE', ?, ?, ?, ?, ?, 1, ?, NULL, '', '', 0, ?)")) {
        for (int i = 0; i < rows; i++) {
          String job = "job-" + random.nextInt(200);
          long fire = now.toEpochMilli() - span + (long) i * span / rows;
          RunState state = STATES[random.nextInt(STATES.length)];
          boolean ran = state != RunState.SKIPPED && state != RunState.MISSED;
          ps.setString(1, job + "@" + fire);
          ps.setString(2, job);
          ps.setLong(3, fire);
          ps.setString(4, state.name());
          ps.setObject(5, ran ? fire + 5 : null);
          ps.setObject(6, fire + 5 + random.nextInt(5000));
          ps.setString(7, WORKERS[random.nextInt(WORKERS.length)]);
          ps.setLong(8, i);
          ps.setObject(9, ran ? (state == RunState.SUCCEEDED ? 0 : 1) : null);
          ps.setLong(10, now.toEpochMilli());
          ps.addBatch();
          if (i % 5000 == 4999) {
            ps.executeBatch();
            c.commit();
          }
        }
        ps.executeBatch();
        c.commit();
      }
      try (Statement s = c.createStatement()) {
        s.execute(store.isPostgres() ? "ANALYZE runs" : "ANALYZE");
        c.commit();
      }
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
