package io.etcron.master.http;

import io.etcron.job.AfterCheck;
import io.etcron.job.EnvVars;
import io.etcron.job.FieldError;
import io.etcron.job.InvalidJobException;
import io.etcron.job.Job;
import io.etcron.job.JobName;
import io.etcron.job.JobNotFoundException;
import io.etcron.job.JobSpec;
import io.etcron.job.JobStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Handlers of one job, {@code /api/v1/jobs/{name}}: get, create or replace, delete, pause and
 * resume it, trigger a run, kill its runs. Stateless apart from the job store it changes.
 *
 * @param jobs the jobs it reads and changes
 * @param clock now, after which a job's schedule must still fire and from which its next fires are
 *     counted
 */
record JobsApi(JobStore jobs, Clock clock) {
  void get(Context ctx) {
    JobName name = Params.jobName(ctx);
    JobStore.Versioned v = jobs.get(name).orElseThrow(() -> new JobNotFoundException(name.value()));
    ctx.header("ETag", Params.etag(v.version()));
    ctx.json(Views.JobView.of(v, clock.instant(), 5));
  }

  void put(Context ctx) {
    JobName name = Params.jobName(ctx);
    long expected = Params.expectedVersion(ctx);
    JobSpec spec = Bodies.read(ctx, JobSpec.class);
    if (spec.name() != null && !spec.name().equals(name.value())) {
      throw ApiError.BAD_REQUEST.at(
          "name",
          "name: \"" + spec.name() + "\" does not match the URL's name \"" + name.value() + "\"");
    }
    Job job = Job.from(spec.withName(name.value()), clock.instant());
    List<FieldError> graph = AfterCheck.check(job, n -> lookup(jobs, Map.of(), n));
    if (!graph.isEmpty()) {
      throw new InvalidJobException(graph);
    }
    JobStore.PutResult result = jobs.put(job, expected, Auth.actor(ctx));
    ctx.status(result.created() ? 201 : 200);
    ctx.header("ETag", Params.etag(result.job().version()));
    ctx.json(Views.JobView.of(result.job(), clock.instant(), 5));
  }

  void delete(Context ctx) {
    jobs.delete(Params.jobName(ctx), Params.expectedVersion(ctx), Auth.actor(ctx));
    ctx.status(204);
  }

  void pause(Context ctx) {
    paused(ctx, true);
  }

  void resume(Context ctx) {
    paused(ctx, false);
  }

  private void paused(Context ctx, boolean paused) {
    JobStore.Versioned v =
        jobs.setPaused(Params.jobName(ctx), paused, Params.expectedVersion(ctx), Auth.actor(ctx));
    ctx.header("ETag", Params.etag(v.version()));
    ctx.json(Views.JobView.of(v, clock.instant(), 5));
  }

  /**
   * The body of a trigger, optional: {@code {"env": {...}}}, the run's parameters.
   *
   * @param env variables added to the run's environment, validated like a job's {@code env}
   */
  record TriggerBody(Map<String, String> env) {}

  /** {@code POST /api/v1/jobs/{name}/trigger}, with no body or a {@link TriggerBody}. */
  void trigger(Context ctx) {
    JobName name = Params.jobName(ctx);
    Map<String, String> params = Map.of();
    if (ctx.bodyAsBytes().length > 0) {
      params = EnvVars.parameters(Bodies.read(ctx, TriggerBody.class).env());
    }
    if (!params.isEmpty() && jobs.get(name).map(v -> v.job().http().isPresent()).orElse(false)) {
      throw new InvalidJobException(
          List.of(
              new FieldError(
                  "env", "env: an HTTP job runs no process: its runs take no parameters")));
    }
    String runId = jobs.trigger(name, params, Auth.actor(ctx));
    ctx.status(202).json(Map.of("runId", runId));
  }

  void kill(Context ctx) {
    JobName name = Params.jobName(ctx);
    jobs.kill(name, Auth.actor(ctx));
    ctx.status(202).json(Map.of("job", name.value(), "message", "kill requested"));
  }

  /**
   * A job as it will be, for checking a job's {@code after}: one of the same request, else the
   * stored one.
   */
  static Optional<Job> lookup(JobStore jobs, Map<String, Job> pending, String name) {
    Job p = pending.get(name);
    if (p != null) {
      return Optional.of(p);
    }
    String problem = JobName.problem(name);
    return problem != null
        ? Optional.empty()
        : jobs.get(new JobName(name)).map(JobStore.Versioned::job);
  }
}
