package io.etcron.bench;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcron.job.Job;
import io.etcron.job.JobSpec;
import io.etcron.json.Json;
import io.etcron.store.Keys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Creates many benchmark jobs quickly: the keys the job store writes for a new job (its definition
 * and its cursor, set to now), {@value #JOBS_PER_TXN} jobs a transaction, 8 transactions in flight.
 * The audit entry of each creation is left out: it is not read by workers. Blocking; stateless.
 */
public final class BenchJobs {
  /** Jobs per transaction: 100 operations, within etcd's default {@code --max-txn-ops} of 128. */
  public static final int JOBS_PER_TXN = 50;

  private static final int IN_FLIGHT = 8;

  private BenchJobs() {}

  /**
   * Creates jobs {@code 0..count-1}, each made by {@code spec} (its index to its spec).
   *
   * @throws Exception when etcd refuses or does not answer a transaction within 30 s
   */
  public static void create(Client client, Keys keys, int count, IntFunction<JobSpec> spec)
      throws Exception {
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    String now = Keys.pad(Instant.now());
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Job job = Job.from(spec.apply(i), Instant.now());
      String name = job.name().value();
      ops.add(
          Op.put(
              Keys.bytes(keys.job(name)), Keys.bytes(Json.write(job.toSpec())), PutOption.DEFAULT));
      ops.add(Op.put(Keys.bytes(keys.cursor(name)), Keys.bytes(now), PutOption.DEFAULT));
      if (ops.size() == 2 * JOBS_PER_TXN || i == count - 1) {
        inFlight.acquire();
        pending.add(
            client
                .getKVClient()
                .txn()
                .Then(ops.toArray(Op[]::new))
                .commit()
                .whenComplete((r, e) -> inFlight.release()));
        ops = new ArrayList<>();
      }
    }
    for (CompletableFuture<?> f : pending) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  /** A job running {@code true} on {@code schedule}, with {@code policy} (null: the default). */
  public static JobSpec spec(String name, String schedule, String policy, String description) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("name", name);
    fields.put("schedule", schedule);
    fields.put("command", "true");
    if (policy != null) {
      fields.put("concurrency", policy);
    }
    if (description != null) {
      fields.put("description", description);
    }
    return Json.MAPPER.convertValue(fields, JobSpec.class);
  }

  /**
   * The same job as {@link #spec}, calling {@code url} (GET, expecting 2xx) instead of {@code
   * true}.
   */
  public static JobSpec httpSpec(String name, String schedule, String policy, String url) {
    JobSpec command = spec(name, schedule, policy, null);
    Map<String, Object> fields = Json.MAPPER.convertValue(command, Map.class);
    fields.remove("command");
    fields.put("http", Map.of("url", url));
    return Json.MAPPER.convertValue(fields, JobSpec.class);
  }
}
