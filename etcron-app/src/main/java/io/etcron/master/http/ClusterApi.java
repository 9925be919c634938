package io.etcron.master.http;

import io.etcron.job.JobName;
import io.etcron.job.JobStore;
import io.etcron.master.WorkerDirectory;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Handlers of workers, the audit trail, identity and health. */
final class ClusterApi {
  private final JobStore jobs;
  private final WorkerDirectory workers;
  private final BooleanSupplier ready;

  ClusterApi(JobStore jobs, WorkerDirectory workers, BooleanSupplier ready) {
    this.jobs = jobs;
    this.workers = workers;
    this.ready = ready;
  }

  void workers(Context ctx) {
    ctx.json(Map.of("workers", workers.list()));
  }

  void audit(Context ctx) {
    Optional<JobName> job =
        Optional.ofNullable(ctx.queryParam("job"))
            .filter(j -> !j.isBlank())
            .map(
                j -> {
                  String p = JobName.problem(j);
                  if (p != null) {
                    throw ApiException.badRequest("job: " + p, "job");
                  }
                  return new JobName(j);
                });
    ctx.json(Map.of("entries", jobs.audit(job, Params.intParam(ctx, "limit", 100, 1, 1000))));
  }

  void me(Context ctx) {
    Principal p = Api.principal(ctx);
    ctx.json(
        Map.of("name", p.name(), "role", p.role().lower(), "authRequired", Api.authRequired(ctx)));
  }

  void live(Context ctx) {
    ctx.json(Map.of("status", "ok"));
  }

  void ready(Context ctx) {
    if (ready.getAsBoolean()) {
      ctx.json(Map.of("status", "ready"));
    } else {
      ctx.status(503).json(Map.of("status", "unavailable", "message", "etcd is not reachable"));
    }
  }
}
