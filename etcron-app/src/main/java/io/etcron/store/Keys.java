package io.etcron.store;

import io.etcd.jetcd.ByteSequence;
import io.etcron.run.RunId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * etcron's etcd key layout under a namespace (default {@code /etcron/}). Names are validated before
 * they get here, so no key can leave its prefix.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><td>{@code jobs/<name>}</td><td>job definition (JSON)</td></tr>
 *   <tr><td>{@code jobs-changed}</td><td>empty; written with every change of a job, so that its
 *   mod revision says up to which revision a copy of {@code jobs/} must be current</td></tr>
 *   <tr><td>{@code cursor/<name>}</td><td>last claimed fire time, {@link #pad(Instant)}</td></tr>
 *   <tr><td>{@code locks/<name>}</td><td>the run holding the job (policy forbid/replace)</td></tr>
 *   <tr><td>{@code kill/<name>}</td><td>kill request: runs fired before a time</td></tr>
 *   <tr><td>{@code triggers/<name>/<millis>}</td><td>a manual run request, claimed by deletion</td></tr>
 *   <tr><td>{@code triggers/<name>/<millis>~after~<parent run id>}</td><td>a run after a
 *   parent's run ended, claimed by deletion</td></tr>
 *   <tr><td>{@code triggers/<name>/<millis>~shard~<fire's run id>#<i>}</td><td>one worker's run
 *   of a broadcast fire, claimed by deletion by that worker only</td></tr>
 *   <tr><td>{@code after/<parent run id>}</td><td>the children a parent's run fired, written
 *   once with their triggers; removed after a day</td></tr>
 *   <tr><td>{@code claims/<run id>}</td><td>evidence of a claim, until its first record is
 *   stored</td></tr>
 *   <tr><td>{@code workers/<id>}</td><td>a live worker, on its session lease</td></tr>
 *   <tr><td>{@code audit/<millis>-<seq>}</td><td>one change to a job</td></tr>
 * </table>
 *
 * @param namespace the prefix, starting and ending with {@code /}
 */
public record Keys(String namespace) {

  public static Keys of(String namespace) {
    return new Keys(namespace);
  }

  public String jobs() {
    return namespace + "jobs/";
  }

  public String job(String name) {
    return jobs() + name;
  }

  /** Written by every transaction that changes {@code jobs/}, beside its prefix. */
  public String jobsChanged() {
    return namespace + "jobs-changed";
  }

  public String cursors() {
    return namespace + "cursor/";
  }

  public String cursor(String name) {
    return cursors() + name;
  }

  public String locks() {
    return namespace + "locks/";
  }

  public String lock(String name) {
    return locks() + name;
  }

  public String kills() {
    return namespace + "kill/";
  }

  public String kill(String name) {
    return kills() + name;
  }

  public String triggers() {
    return namespace + "triggers/";
  }

  public String trigger(String name, long millis) {
    return triggers() + name + "/" + pad(Instant.ofEpochMilli(millis));
  }

  /** Separates a trigger key's time from its parent run's id. */
  public static final String AFTER = "~after~";

  /** The request of a run of {@code name} at {@code millis} after the parent run {@code parent}. */
  public String afterTrigger(String name, long millis, String parent) {
    return trigger(name, millis) + AFTER + parent;
  }

  /** Separates a shard request's key from the id of the broadcast fire it is a run of. */
  public static final String SHARD = "~shard~";

  /**
   * The request of the run with index {@code index} of the broadcast fire {@code base} of {@code
   * name}: {@code triggers/<name>/<pad(fire)>~shard~<base run id>#<index>}.
   */
  public String shardTrigger(String name, RunId base, int index) {
    return trigger(name, base.fireTime().toEpochMilli()) + SHARD + base + "#" + index;
  }

  public String fired() {
    return namespace + "after/";
  }

  /** Written once per parent run that fired children, with their requests. */
  public String fired(String parentRun) {
    return fired() + parentRun;
  }

  public String claims() {
    return namespace + "claims/";
  }

  public String claim(String runId) {
    return claims() + runId;
  }

  public String workers() {
    return namespace + "workers/";
  }

  public String worker(String id) {
    return workers() + id;
  }

  public String audits() {
    return namespace + "audit/";
  }

  /** The part of {@code key} after {@code prefix}. */
  public static String name(String prefix, String key) {
    return key.substring(prefix.length());
  }

  /** Epoch millis zero-padded to 19 digits, so that byte order is time order. */
  public static String pad(Instant t) {
    return String.format("%019d", t.toEpochMilli());
  }

  /** The inverse of {@link #pad(Instant)}. */
  public static Instant unpad(String padded) {
    return Instant.ofEpochMilli(Long.parseLong(padded));
  }

  public static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  public static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }
}
