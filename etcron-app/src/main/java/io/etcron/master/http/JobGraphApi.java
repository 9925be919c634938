package io.etcron.master.http;

import io.etcron.job.After;
import io.etcron.job.Job;
import io.etcron.job.JobName;
import io.etcron.job.JobNotFoundException;
import io.etcron.job.JobStore;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The handler of {@code GET /api/v1/jobs/{name}/graph}: the jobs a job runs after and the jobs that
 * run after it. Stateless apart from the job store it reads.
 *
 * @param jobs the jobs it reads
 */
record JobGraphApi(JobStore jobs) {
  /** Jobs one graph answer shows at most. */
  static final int MAX_GRAPH_NODES = 200;

  record GraphNode(String name, boolean exists, Boolean paused, String schedule) {}

  record GraphEdge(String from, String to, String on) {}

  record GraphView(String job, List<GraphNode> nodes, List<GraphEdge> edges, boolean truncated) {}

  /**
   * {@code GET /api/v1/jobs/{name}/graph}: the job's ancestors and descendants along {@code after}
   * edges, up to {@link After#MAX_DEPTH} jobs each way. Children are found by reading the jobs that
   * have parents, in pages.
   */
  void graph(Context ctx) {
    JobName name = Params.jobName(ctx);
    Job root = jobs.get(name).orElseThrow(() -> new JobNotFoundException(name.value())).job();
    Map<String, Job> dependent = new HashMap<>();
    Map<String, List<String>> children = new TreeMap<>();
    Optional<JobName> from = Optional.empty();
    do {
      JobStore.JobPage page = jobs.page(from, 1_000, j -> j.after().isPresent());
      for (JobStore.Versioned v : page.jobs()) {
        Job j = v.job();
        dependent.put(j.name().value(), j);
        j.after()
            .get()
            .jobs()
            .forEach(
                p ->
                    children
                        .computeIfAbsent(p.value(), k -> new ArrayList<>())
                        .add(j.name().value()));
      }
      from = page.next();
    } while (from.isPresent());
    Map<String, Optional<Job>> nodes = new LinkedHashMap<>();
    Set<GraphEdge> edges = new LinkedHashSet<>();
    nodes.put(root.name().value(), Optional.of(root));
    boolean truncated = false;
    // Up: parents of parents.
    List<Job> level = List.of(root);
    for (int d = 1; d < After.MAX_DEPTH && !level.isEmpty(); d++) {
      List<Job> next = new ArrayList<>();
      for (Job j : level) {
        if (j.after().isEmpty()) {
          continue;
        }
        for (JobName p : j.after().get().jobs()) {
          edges.add(new GraphEdge(p.value(), j.name().value(), j.after().get().on().wire()));
          if (!nodes.containsKey(p.value())) {
            if (nodes.size() >= MAX_GRAPH_NODES) {
              truncated = true;
              continue;
            }
            Optional<Job> pj =
                Optional.ofNullable(dependent.get(p.value()))
                    .or(() -> jobs.get(p).map(JobStore.Versioned::job));
            nodes.put(p.value(), pj);
            pj.ifPresent(next::add);
          }
        }
      }
      level = next;
    }
    // Down: children of children.
    List<String> down = List.of(root.name().value());
    for (int d = 1; d < After.MAX_DEPTH && !down.isEmpty(); d++) {
      List<String> next = new ArrayList<>();
      for (String parent : down) {
        for (String c : children.getOrDefault(parent, List.of())) {
          Job cj = dependent.get(c);
          edges.add(new GraphEdge(parent, c, cj.after().get().on().wire()));
          if (!nodes.containsKey(c)) {
            if (nodes.size() >= MAX_GRAPH_NODES) {
              truncated = true;
              continue;
            }
            nodes.put(c, Optional.of(cj));
            next.add(c);
          }
        }
      }
      down = next;
    }
    List<GraphNode> shown =
        nodes.entrySet().stream()
            .map(
                e ->
                    new GraphNode(
                        e.getKey(),
                        e.getValue().isPresent(),
                        e.getValue().map(Job::paused).orElse(null),
                        e.getValue().map(j -> j.schedule().describe()).orElse(null)))
            .toList();
    List<GraphEdge> kept =
        edges.stream()
            .filter(e -> nodes.containsKey(e.from()) && nodes.containsKey(e.to()))
            .toList();
    ctx.json(new GraphView(root.name().value(), shown, kept, truncated));
  }
}
