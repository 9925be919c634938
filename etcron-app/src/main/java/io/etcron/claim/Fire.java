package io.etcron.claim;

import io.etcron.job.Job;
import io.etcron.run.RunId;
import io.etcron.run.Trigger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fire of a job that a worker wants to claim.
 *
 * @param job the job's definition as the worker knows it
 * @param version the definition's version
 * @param time the scheduled fire time (for a manual run, when it was asked for)
 * @param trigger scheduled or manual
 * @param triggerKey for a manual run, the request's key (the claim deletes it)
 * @param previous the job's fire just before this one: claimed in order, this fire is claimable
 *     only once the cursor has reached it, so a worker whose clock runs ahead never overtakes it
 * @param catchUp claim even if earlier fires were never claimed (they become missed fires)
 * @param params for a manual run, the variables it was asked with (read from the request's key,
 *     which the claim deletes: whoever owns the run has them); empty otherwise
 * @param parent for a run after a parent's ({@link Trigger#AFTER}), the parent run's id
 * @param shard for one worker's run of a broadcast fire, its index and the count, fixed when the
 *     fire was claimed
 * @param shardWorkers for a broadcast fire being claimed, the workers its claim gives a run each,
 *     in index order; empty otherwise
 */
public record Fire(
    Job job,
    long version,
    Instant time,
    Trigger trigger,
    Optional<String> triggerKey,
    Optional<Instant> previous,
    boolean catchUp,
    Map<String, String> params,
    Optional<String> parent,
    Optional<Shard> shard,
    List<String> shardWorkers) {

  /** One worker's part of a broadcast fire: index {@code index} of {@code total}. */
  public record Shard(int index, int total) {}

  public Fire {
    params = Map.copyOf(params);
    shardWorkers = List.copyOf(shardWorkers);
  }

  /** A fire with the default shard fields (none). */
  Fire(
      Job job,
      long version,
      Instant time,
      Trigger trigger,
      Optional<String> triggerKey,
      Optional<Instant> previous,
      boolean catchUp,
      Map<String, String> params,
      Optional<String> parent) {
    this(
        job,
        version,
        time,
        trigger,
        triggerKey,
        previous,
        catchUp,
        params,
        parent,
        Optional.empty(),
        List.of());
  }

  /**
   * The run of the broadcast fire {@code base} that the worker with index {@code shard} owns,
   * requested by {@code triggerKey}.
   */
  public static Fire shard(
      Job job,
      long version,
      RunId base,
      String triggerKey,
      Map<String, String> params,
      Shard shard) {
    return new Fire(
        job,
        version,
        base.fireTime(),
        base.trigger(),
        Optional.of(triggerKey),
        Optional.empty(),
        false,
        params,
        Optional.ofNullable(base.parent()),
        Optional.of(shard),
        List.of());
  }

  /**
   * Whether this fire is claimed by moving its job's cursor (a scheduled fire); the others are
   * claimed by deleting their request ({@link #triggerKey}).
   */
  public boolean byCursor() {
    return triggerKey.isEmpty();
  }

  /** Whether this is a broadcast fire itself: its claim requests one run per worker. */
  public boolean isBroadcast() {
    return job.broadcast() && shard.isEmpty();
  }

  /** This broadcast fire, to be claimed for {@code workers} (one run each, in this order). */
  public Fire withShardWorkers(List<String> workers) {
    return new Fire(
        job, version, time, trigger, triggerKey, previous, catchUp, params, parent, shard, workers);
  }

  /** A scheduled fire, claimable once the cursor has reached {@code previous}. */
  public static Fire scheduled(Job job, long version, Instant time, Optional<Instant> previous) {
    return new Fire(
        job,
        version,
        time,
        Trigger.SCHEDULE,
        Optional.empty(),
        previous,
        false,
        Map.of(),
        Optional.empty());
  }

  /** A scheduled fire claimed whatever came before it (after a time with no worker). */
  public static Fire catchUp(Job job, long version, Instant time) {
    return new Fire(
        job,
        version,
        time,
        Trigger.SCHEDULE,
        Optional.empty(),
        Optional.empty(),
        true,
        Map.of(),
        Optional.empty());
  }

  /** A manual run asked for at {@code time} by the request {@code triggerKey}. */
  public static Fire manual(
      Job job, long version, Instant time, String triggerKey, Map<String, String> params) {
    return new Fire(
        job,
        version,
        time,
        Trigger.MANUAL,
        Optional.of(triggerKey),
        Optional.empty(),
        false,
        params,
        Optional.empty());
  }

  /**
   * A run asked for at {@code time} by the end of the parent run {@code parent}, through the
   * request {@code triggerKey}.
   */
  public static Fire after(Job job, long version, Instant time, String triggerKey, String parent) {
    return new Fire(
        job,
        version,
        time,
        Trigger.AFTER,
        Optional.of(triggerKey),
        Optional.empty(),
        false,
        Map.of(),
        Optional.of(parent));
  }

  /** The same fire under a newer definition of its job. */
  public Fire withJob(Job newer, long newVersion) {
    return new Fire(
        newer,
        newVersion,
        time,
        trigger,
        triggerKey,
        previous,
        catchUp,
        params,
        parent,
        shard,
        shardWorkers);
  }

  /** The same fire, claimed whatever came before it. */
  public Fire asCatchUp() {
    return new Fire(
        job,
        version,
        time,
        trigger,
        triggerKey,
        Optional.empty(),
        true,
        params,
        parent,
        shard,
        shardWorkers);
  }

  public String jobName() {
    return job.name().value();
  }

  /** The id of the run this fire becomes. */
  public RunId runId() {
    return new RunId(
        jobName(), time, trigger, parent.orElse(null), shard.map(Shard::index).orElse(-1));
  }
}
