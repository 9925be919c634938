package io.etcron.store;

import static io.etcron.store.Keys.bytes;
import static io.etcron.store.Keys.string;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcron.json.Json;
import io.etcron.run.Dependents;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the run requests of the children that a parent run's end fires, exactly once per parent
 * run, before the parent's end is stored (and so before its lock is released):
 *
 * <pre>
 * If   CreateRevision(after/&lt;parent run&gt;) == 0
 * Then Put(after/&lt;parent run&gt;, {state, children, by, at}),
 *      Put(triggers/&lt;child&gt;/&lt;pad(at)&gt;~after~&lt;parent run&gt;, {at, by}) for each child
 * Else Get(after/&lt;parent run&gt;)
 * </pre>
 *
 * The first writer decides: a worker that stores the end it saw, and the master's sweeper that
 * finds the run's worker gone and records it LOST, may both try; whoever commits first fires the
 * children for its outcome, the other learns it and fires nothing. A retry after a lost answer is
 * the same transaction, so nothing is written twice. Each child's request is then claimed like a
 * manual run's: by deleting it. Thread-safe.
 */
public final class ChildRequests {
  private static final Logger log = LoggerFactory.getLogger(ChildRequests.class);

  /**
   * The value of {@code after/<parent run>}: what the parent's end fired.
   *
   * @param state the parent run's end as its writer saw it
   * @param children the children fired
   * @param by the worker or master that wrote it
   * @param at when (the children's fire time)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Fired(RunState state, List<String> children, String by, Instant at) {}

  private final Client client;
  private final Keys keys;
  private final EtcdRetry retry;

  public ChildRequests(
      Client client, Keys keys, Duration timeout, ScheduledExecutorService timers) {
    this.client = client;
    this.keys = keys;
    this.retry = new EtcdRetry(timeout, timers);
  }

  /**
   * Writes the requests of {@code children} for the end {@code state} of {@code parent}, as {@code
   * by}, with fire time {@code at}; tried again ({@link EtcdRetry}) while {@code worthRetrying}.
   * Completes with what was fired for {@code parent}: by this call, or by whoever wrote first.
   * Completes at once, writing nothing, when {@code children} is empty.
   */
  public CompletableFuture<Fired> write(
      RunId parent,
      RunState state,
      List<String> children,
      String by,
      Instant at,
      BooleanSupplier worthRetrying) {
    CompletableFuture<Fired> done = new CompletableFuture<>();
    if (children.isEmpty()) {
      done.complete(new Fired(state, List.of(), by, at));
      return done;
    }
    List<String> fired = children;
    if (children.size() > Dependents.MAX_CHILDREN) {
      fired = children.subList(0, Dependents.MAX_CHILDREN);
      log.warn(
          "run {} ended {}: {} jobs run after it, the first {} run; not {}",
          parent,
          state,
          children.size(),
          Dependents.MAX_CHILDREN,
          children.subList(Dependents.MAX_CHILDREN, children.size()));
    }
    attempt(parent, new Fired(state, List.copyOf(fired), by, at), worthRetrying, done);
    return done;
  }

  private void attempt(
      RunId parent, Fired fired, BooleanSupplier worthRetrying, CompletableFuture<Fired> done) {
    ByteSequence marker = bytes(keys.fired(parent.toString()));
    List<Op> puts = new ArrayList<>();
    puts.add(Op.put(marker, bytes(Json.write(fired)), PutOption.DEFAULT));
    String request = Json.write(new TriggerRequest(fired.at(), "after " + parent, Map.of()));
    for (String child : fired.children()) {
      puts.add(
          Op.put(
              bytes(keys.afterTrigger(child, fired.at().toEpochMilli(), parent.toString())),
              bytes(request),
              PutOption.DEFAULT));
    }
    retry
        .send(
            "requesting the children of " + parent,
            () ->
                client
                    .getKVClient()
                    .txn()
                    .If(new Cmp(marker, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(puts.toArray(Op[]::new))
                    .Else(Op.get(marker, GetOption.DEFAULT))
                    .commit(),
            worthRetrying)
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                done.completeExceptionally(e);
                return;
              }
              done.complete(r.isSucceeded() ? fired : decided(r, fired));
              if (r.isSucceeded()) {
                log.info("run {} ended {}: requested {}", parent, fired.state(), fired.children());
              }
            });
  }

  /** What the first writer fired, read from the marker it left. */
  private static Fired decided(TxnResponse r, Fired mine) {
    return r.getGetResponses().get(0).getKvs().stream()
        .findFirst()
        .map(kv -> readOr(string(kv.getValue()), mine))
        .orElse(mine);
  }

  private static Fired readOr(String json, Fired otherwise) {
    try {
      return Json.readStored(json, Fired.class);
    } catch (RuntimeException e) {
      return otherwise;
    }
  }
}
