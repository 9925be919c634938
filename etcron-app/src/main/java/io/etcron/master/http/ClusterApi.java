package io.etcron.master.http;

import io.etcron.job.JobStore;
import io.etcron.master.auth.Principal;
import io.etcron.store.WorkerInfo;
import io.javalin.http.Context;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Handlers of workers, the audit trail, identity and health. */
final class ClusterApi {
  private final JobStore jobs;
  private final Supplier<List<WorkerInfo>> workers;
  private final BooleanSupplier ready;
  private final boolean authRequired;

  ClusterApi(
      JobStore jobs,
      Supplier<List<WorkerInfo>> workers,
      BooleanSupplier ready,
      boolean authRequired) {
    this.jobs = jobs;
    this.workers = workers;
    this.ready = ready;
    this.authRequired = authRequired;
  }

  /** Live workers by id, a page at a time ({@code limit}, default and at most 1 000). */
  void workers(Context ctx) {
    int limit = Params.intParam(ctx, "limit", 1000, 1, 1000);
    String after = Optional.ofNullable(ctx.queryParam("cursor")).orElse("");
    List<WorkerInfo> page =
        workers.get().stream()
            .filter(w -> w.id().compareTo(after) > 0)
            .sorted(Comparator.comparing(WorkerInfo::id))
            .limit(limit + 1L)
            .toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("workers", page.size() > limit ? page.subList(0, limit) : page);
    if (page.size() > limit) {
      body.put("nextCursor", page.get(limit - 1).id());
    }
    ctx.json(body);
  }

  void audit(Context ctx) {
    var job = Params.name(ctx, "job");
    var cursor = Optional.ofNullable(ctx.queryParam("cursor")).filter(c -> !c.isBlank());
    JobStore.AuditPage page;
    try {
      page = jobs.audit(job, cursor, Params.intParam(ctx, "limit", 100, 1, 1000));
    } catch (IllegalArgumentException e) {
      throw ApiError.BAD_REQUEST.at("cursor", e.getMessage());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("entries", page.entries());
    page.nextCursor().ifPresent(c -> body.put("nextCursor", c));
    ctx.json(body);
  }

  void me(Context ctx) {
    Principal p = Auth.principal(ctx);
    ctx.json(Map.of("name", p.name(), "role", p.role().lower(), "authRequired", authRequired));
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
