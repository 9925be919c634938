package io.etcron.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcron.concurrent.Threads;
import io.etcron.job.Job;
import io.etcron.job.JobSpec;
import io.etcron.json.Json;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code etcron job ...}: manage jobs through a master. */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    description = "Create, list, change and control jobs (through a master).",
    subcommands = {
      JobCommand.Apply.class,
      JobCommand.ListJobs.class,
      JobCommand.Get.class,
      JobCommand.Delete.class,
      JobCommand.Pause.class,
      JobCommand.Resume.class,
      JobCommand.Trigger.class,
      JobCommand.Kill.class,
      JobCommand.Graph.class
    })
final class JobCommand {

  static String path(String name) {
    return "/api/v1/jobs/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Create or change the jobs of a YAML or JSON file (one job, a list, or several YAML documents).")
  static final class Apply implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(
        names = {"-f", "--file"},
        required = true,
        paramLabel = "FILE",
        description = "The file, or - for stdin.")
    String file;

    /** Jobs a request at most (the master takes up to 500, and 256 KiB of body). */
    static final int BATCH = 200;

    /** Bytes of JSON a request at most, under the master's 256 KiB limit on a body. */
    static final int BATCH_BYTES = 192 * 1024;

    /** Jobs applied at once, one request each, by a master that does not take batches. */
    static final int IN_FLIGHT = 8;

    /** What applying one job did. */
    private record Applied(String name, String what, long version) {}

    /**
     * Applies the jobs in batches ({@code POST /api/v1/jobs}) and reports them in the file's order.
     * A batch with an invalid job writes nothing and stops the command, naming the job; the batches
     * before it are written and reported. A master without the batch endpoint gets one request a
     * job.
     */
    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      MasterClient master = client.client();
      Iterator<JobSpec> jobs = JobFiles.read(file).iterator();
      List<JobSpec> batch = new ArrayList<>();
      int bytes = 0;
      while (jobs.hasNext()) {
        JobSpec job = jobs.next();
        int size = Json.write(job).length() + 1;
        if (!batch.isEmpty() && (batch.size() >= BATCH || bytes + size > BATCH_BYTES)) {
          if (!applyBatch(master, batch, out)) {
            batch.addAll(asList(jobs));
            return applyOneByOne(master, batch.iterator(), out);
          }
          batch.clear();
          bytes = 0;
        }
        batch.add(job);
        bytes += size;
      }
      if (!batch.isEmpty() && !applyBatch(master, batch, out)) {
        return applyOneByOne(master, batch.iterator(), out);
      }
      out.flush();
      return ExitCodes.OK;
    }

    private static List<JobSpec> asList(Iterator<JobSpec> rest) {
      List<JobSpec> all = new ArrayList<>();
      rest.forEachRemaining(all::add);
      return all;
    }

    /** One batch; false when the master has no batch endpoint (nothing was written then). */
    private boolean applyBatch(MasterClient master, List<JobSpec> batch, PrintWriter out) {
      MasterClient.Answer answer;
      try {
        answer = master.post("/api/v1/jobs", Map.of("jobs", batch));
      } catch (CliException e) {
        if (e.httpStatus() == 405 || e.httpStatus() == 404) {
          return false; // an older master: one request a job
        }
        throw e;
      }
      for (JsonNode r : answer.json().get("results")) {
        report(out, r.get("job").asText(), r.get("result").asText(), r.get("version").asLong());
      }
      out.flush();
      return true;
    }

    /**
     * Applies the jobs {@link #IN_FLIGHT} at a time, one request each, and reports them in the
     * file's order. After a job fails, no further job starts; those already under way finish and
     * are reported, then the failure.
     */
    private Integer applyOneByOne(MasterClient master, Iterator<JobSpec> jobs, PrintWriter out) {
      ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT, Threads.named("etcron-apply"));
      try {
        Deque<Future<Applied>> window = new ArrayDeque<>();
        RuntimeException failure = null;
        while (!window.isEmpty() || (failure == null && jobs.hasNext())) {
          while (failure == null && jobs.hasNext() && window.size() < IN_FLIGHT) {
            JobSpec job = jobs.next();
            window.add(pool.submit(() -> apply(master, job)));
          }
          try {
            Applied a = window.remove().get();
            report(out, a.name(), a.what(), a.version());
          } catch (ExecutionException e) {
            if (failure == null) {
              failure =
                  e.getCause() instanceof RuntimeException r
                      ? r
                      : new IllegalStateException(e.getCause());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILURE, "interrupted");
          }
        }
        out.flush();
        if (failure != null) {
          throw failure;
        }
        return ExitCodes.OK;
      } finally {
        pool.shutdownNow();
      }
    }

    private static Applied apply(MasterClient master, JobSpec job) {
      String name = job.name();
      JsonNode before = null;
      try {
        before = master.get(path(name)).json().get("spec");
      } catch (CliException e) {
        if (e.exitCode() != ExitCodes.REFUSED) {
          throw e;
        }
      }
      JsonNode normalized = normalized(job);
      if (before != null && before.equals(normalized)) {
        return new Applied(name, "unchanged", -1);
      }
      MasterClient.Answer answer;
      try {
        answer = master.put(path(name), job, Map.of());
      } catch (CliException e) {
        throw new CliException(e.exitCode(), "job " + name + ": " + e.getMessage());
      }
      return new Applied(
          name,
          answer.status() == 201 ? "created" : "changed",
          answer.json().get("version").asLong());
    }

    private void report(PrintWriter out, String name, String what, long version) {
      if (client.json()) {
        out.println(Json.write(Map.of("job", name, "result", what)));
      } else {
        out.println(
            "job "
                + name
                + " "
                + what
                + (version > 0 && !what.equals("unchanged") ? " (version " + version + ")" : ""));
      }
    }

    /** The spec as the master would store it, to tell an unchanged job without writing it. */
    private static JsonNode normalized(JobSpec spec) {
      try {
        return Json.MAPPER.valueToTree(Job.from(spec, Instant.now()).toSpec());
      } catch (IllegalArgumentException e) {
        return null; // invalid: the master says why
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List jobs.")
  static final class ListJobs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(
        names = {"-q", "--query"},
        paramLabel = "TEXT",
        description = "Only jobs whose name, description, command, HTTP URL or tags contain TEXT.")
    String query;

    @Option(
        names = "--limit",
        defaultValue = "100",
        description = "Jobs a page (default ${DEFAULT-VALUE}, at most 1000).")
    int limit;

    @Option(names = "--all", description = "Follow the pages to the end.")
    boolean all;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only jobs with this tag.")
    String tag;

    @Option(
        names = "--paused",
        arity = "0..1",
        paramLabel = "true|false",
        description = "Only paused jobs (--paused=false: only active ones).")
    Boolean paused;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Table t = new Table("NAME", "SCHEDULE", "ZONE", "NEXT", "LAST RUN", "PAUSED");
      String cursor = null;
      long shown = 0;
      long total = 0;
      do {
        String path =
            "/api/v1/jobs?limit="
                + limit
                + (query == null ? "" : "&q=" + RunsCommand.enc(query))
                + (tag == null ? "" : "&tag=" + RunsCommand.enc(tag))
                + (paused == null ? "" : "&paused=" + paused)
                + (cursor == null ? "" : "&cursor=" + RunsCommand.enc(cursor));
        JsonNode page = client.client().get(path).json();
        if (client.json()) {
          out.println(Json.write(page));
        } else {
          page.get("jobs").forEach(j -> row(t, j));
        }
        shown += page.get("jobs").size();
        total = page.path("total").asLong(0);
        JsonNode next = page.path("nextCursor");
        cursor = next.isTextual() ? next.asText() : null;
      } while (all && cursor != null);
      if (!client.json()) {
        t.print(out);
        if (cursor != null) {
          out.println(
              "("
                  + shown
                  + " shown of "
                  + total
                  + " jobs: --all lists them all; -q, --tag, --paused narrow the list)");
        }
      }
      out.flush();
      return ExitCodes.OK;
    }

    private static void row(Table t, JsonNode j) {
      JsonNode s = j.get("spec");
      JsonNode last = j.at("/stats/last");
      String lastRun =
          last.isMissingNode() || last.isNull()
              ? "-"
              : last.get("state").asText().toLowerCase() + " " + ago(last.get("fireTime").asText());
      String next = j.get("nextFires").isEmpty() ? "-" : in(j.get("nextFires").get(0).asText());
      t.row(
          s.get("name").asText(),
          schedule(s),
          s.get("timeZone").asText(),
          next,
          lastRun,
          s.path("paused").asBoolean() ? "yes" : "no");
    }
  }

  /** A spec's schedule, or the parents it runs after when it has none. */
  static String schedule(JsonNode spec) {
    String schedule = spec.path("schedule").asText("");
    JsonNode after = spec.path("after");
    if (after.isMissingNode() || after.isNull()) {
      return schedule;
    }
    List<String> parents = new ArrayList<>();
    after.path("jobs").forEach(j -> parents.add(j.asText()));
    String rule =
        "after " + String.join(",", parents) + " (" + after.path("on").asText("success") + ")";
    return schedule.isEmpty() ? rule : schedule + " + " + rule;
  }

  @Command(
      name = "graph",
      mixinStandardHelpOptions = true,
      description = {
        "Show which jobs run after which (their after fields).",
        "With NAME: the jobs around NAME, its ancestors and descendants; without: every edge."
      })
  static final class Graph implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "A job (default: all jobs).")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Table t = new Table("PARENT", "CHILD", "ON");
      if (name != null) {
        JsonNode graph = client.client().get(path(name) + "/graph").json();
        if (client.json()) {
          out.println(Json.write(graph));
          out.flush();
          return ExitCodes.OK;
        }
        Set<String> missing = new TreeSet<>();
        graph
            .get("nodes")
            .forEach(
                n -> {
                  if (!n.path("exists").asBoolean(true)) {
                    missing.add(n.get("name").asText());
                  }
                });
        graph
            .get("edges")
            .forEach(
                e ->
                    t.row(
                        e.get("from").asText()
                            + (missing.contains(e.get("from").asText()) ? " (missing)" : ""),
                        e.get("to").asText(),
                        e.get("on").asText()));
        if (graph.get("edges").isEmpty()) {
          out.println(name + " runs after no job, and no job runs after it");
        } else {
          t.print(out);
        }
        if (graph.path("truncated").asBoolean()) {
          out.println("(more jobs are connected than shown)");
        }
        out.flush();
        return ExitCodes.OK;
      }
      String cursor = null;
      int edges = 0;
      do {
        JsonNode page =
            client
                .client()
                .get(
                    "/api/v1/jobs?limit=1000"
                        + (cursor == null ? "" : "&cursor=" + RunsCommand.enc(cursor)))
                .json();
        for (JsonNode j : page.get("jobs")) {
          JsonNode after = j.at("/spec/after");
          if (after.isMissingNode() || after.isNull()) {
            continue;
          }
          for (JsonNode parent : after.path("jobs")) {
            t.row(parent.asText(), j.at("/spec/name").asText(), after.path("on").asText("success"));
            edges++;
          }
        }
        JsonNode next = page.path("nextCursor");
        cursor = next.isTextual() ? next.asText() : null;
      } while (cursor != null);
      if (edges == 0) {
        out.println("no job runs after another (give a job an after field)");
      } else {
        t.print(out);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a job.")
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode job = client.client().get(path(name)).json();
      if (client.json()) {
        out.println(Json.write(job));
      } else {
        job.get("spec")
            .properties()
            .forEach(
                f ->
                    out.printf(
                        "%-17s %s%n",
                        f.getKey() + ":",
                        f.getValue().isTextual() ? f.getValue().asText() : f.getValue()));
        out.printf("%-17s %s%n", "version:", job.get("version").asLong());
        out.printf("%-17s %s%n", "in words:", job.get("schedule").asText());
        job.get("nextFires")
            .forEach(f -> out.printf("%-17s %s (%s)%n", "next fire:", f.asText(), in(f.asText())));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a job (and kill its running runs).")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      client.client().delete(path(name));
      spec.commandLine().getOut().println("job " + name + " deleted");
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  /**
   * The four one-word actions: POST {@code /api/v1/jobs/NAME/VERB}, then one line saying what was
   * done ({@code %s} is the job's name, {@code %r} the triggered run's id).
   */
  abstract static class Action implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "NAME")
    String name;

    private final String verb;
    private final String done;

    Action(String verb, String done) {
      this.verb = verb;
      this.done = done;
    }

    @Override
    public Integer call() {
      JsonNode answer = send(client.client(), path(name) + "/" + verb);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          client.json()
              ? Json.write(answer)
              : done.replace("%s", name).replace("%r", answer.path("runId").asText()));
      out.flush();
      return ExitCodes.OK;
    }

    /** POSTs the action; the answer's JSON. */
    JsonNode send(MasterClient master, String path) {
      return master.post(path).json();
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Pause a job: it fires no more until resumed.")
  static final class Pause extends Action {
    Pause() {
      super("pause", "job %s paused");
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Resume a paused job (fires missed meanwhile are not caught up).")
  static final class Resume extends Action {
    Resume() {
      super("resume", "job %s resumed");
    }
  }

  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      description = {
        "Run a job once now, outside its schedule.",
        "--env adds a variable to that run's environment (over the job's env)."
      })
  static final class Trigger extends Action {
    @Option(
        names = "--env",
        paramLabel = "K=V",
        description =
            "a parameter of this run, added to its command's environment; repeatable. Names as"
                + " in a job's env, not starting with ETCRON_")
    List<String> env = new ArrayList<>();

    Trigger() {
      super("trigger", "job %s triggered: run %r");
    }

    @Override
    JsonNode send(MasterClient master, String path) {
      if (env.isEmpty()) {
        return super.send(master, path);
      }
      return master.post(path, Map.of("env", parameters(spec, env))).json();
    }

    /**
     * {@code K=V} arguments as variables; one without a name before its {@code =} is a usage error.
     * A name given twice keeps its last value.
     */
    static Map<String, String> parameters(CommandSpec spec, List<String> args) {
      Map<String, String> vars = new LinkedHashMap<>();
      for (String a : args) {
        int eq = a.indexOf('=');
        if (eq <= 0) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "--env \"" + a + "\" is not K=V: give a variable name, =, and its value");
        }
        vars.put(a.substring(0, eq), a.substring(eq + 1));
      }
      return vars;
    }
  }

  @Command(
      name = "kill",
      mixinStandardHelpOptions = true,
      description = "Kill every running run of a job.")
  static final class Kill extends Action {
    Kill() {
      super("kill", "kill of job %s requested");
    }
  }

  /** "in 3s" / "in 2h" from now. */
  static String in(String instant) {
    Duration d = Duration.between(Instant.now(), Instant.parse(instant));
    return d.isNegative() ? "now" : "in " + human(d);
  }

  /** "3s ago". */
  static String ago(String instant) {
    return human(Duration.between(Instant.parse(instant), Instant.now())) + " ago";
  }

  static String human(Duration d) {
    long s = Math.abs(d.toSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m";
    }
    if (s < 172800) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }
}
