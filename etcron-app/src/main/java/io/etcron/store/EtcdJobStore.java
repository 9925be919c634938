package io.etcron.store;

import static io.etcron.store.Keys.bytes;
import static io.etcron.store.Keys.string;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcron.job.AuditEntry;
import io.etcron.job.Job;
import io.etcron.job.JobName;
import io.etcron.job.JobNotFoundException;
import io.etcron.job.JobSpec;
import io.etcron.job.JobStore;
import io.etcron.job.VersionConflictException;
import io.etcron.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * {@link JobStore} on etcd: {@code jobs/<name>} holds the definition and {@code cursor/<name>} is
 * created with it in the same transaction; every change puts an {@code audit/} entry in the same
 * transaction too, so the trail can't miss a change. Thread-safe; each call is one or two
 * transactions, each bounded by the request timeout.
 */
public final class EtcdJobStore implements JobStore {
  private static final int MAX_RETRIES = 5;
  // Audit entries carry whole definitions: 500 of them stay well below the 4 MiB message limit.
  private static final int AUDIT_PAGE = 500;

  private final Client client;
  private final Keys keys;
  private final Duration timeout;
  private final Clock clock;

  public EtcdJobStore(Client client, Keys keys, Duration timeout, Clock clock) {
    this.client = client;
    this.keys = keys;
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public PutResult put(Job job, long expectedVersion, String actor) {
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
      Optional<Versioned> current = get(job.name());
      long expected =
          expectedVersion == ANY_VERSION
              ? current.map(Versioned::version).orElse(ABSENT)
              : expectedVersion;
      Optional<PutResult> result = tryPut(job, expected, actor, current);
      if (result.isPresent()) {
        return result.get();
      }
      if (expectedVersion != ANY_VERSION) {
        break;
      }
      // ANY_VERSION: someone wrote between our read and our write; read and try again.
    }
    long actual = get(job.name()).map(Versioned::version).orElse(0L);
    throw new VersionConflictException(job.name().value(), expectedVersion, actual);
  }

  /**
   * Jobs {@link #apply} writes in one transaction at most: four operations a new job and the
   * transaction's {@link Keys#jobsChanged()}, under etcd's default limit of 128 operations a
   * transaction.
   */
  static final int APPLY_CHUNK = 30;

  @Override
  public List<Applied> apply(List<Job> jobs, String actor) {
    if (jobs.stream().map(j -> j.name().value()).distinct().count() != jobs.size()) {
      throw new IllegalArgumentException("apply: each job may appear once");
    }
    List<Applied> out = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i += APPLY_CHUNK) {
      out.addAll(applyChunk(jobs.subList(i, Math.min(jobs.size(), i + APPLY_CHUNK)), actor));
    }
    return out;
  }

  /**
   * One read of the jobs' current definitions, then one transaction writing every job that changed,
   * guarded by each one's version as read. Should another writer get in between, the jobs go one by
   * one through {@link #put}, which reads again.
   */
  private List<Applied> applyChunk(List<Job> chunk, String actor) {
    TxnResponse read =
        EtcdCalls.await(
            client
                .getKVClient()
                .txn()
                .Then(
                    chunk.stream()
                        .map(j -> Op.get(bytes(keys.job(j.name().value())), GetOption.DEFAULT))
                        .toArray(Op[]::new))
                .commit(),
            timeout,
            "read " + chunk.size() + " jobs");
    List<Optional<Versioned>> current = new ArrayList<>();
    for (var get : read.getGetResponses()) {
      current.add(get.getKvs().stream().findFirst().map(EtcdJobStore::decode));
    }
    List<Cmp> guards = new ArrayList<>();
    List<Op> ops = new ArrayList<>();
    Set<String> auditKeys = new HashSet<>();
    Instant at = clock.instant();
    String now = Keys.pad(at);
    for (int i = 0; i < chunk.size(); i++) {
      Job job = chunk.get(i);
      Optional<Versioned> known = current.get(i);
      if (known.isPresent() && known.get().job().toSpec().equals(job.toSpec())) {
        continue;
      }
      String name = job.name().value();
      ByteSequence jobKey = bytes(keys.job(name));
      ByteSequence cursorKey = bytes(keys.cursor(name));
      boolean create = known.isEmpty();
      guards.add(
          create
              ? new Cmp(jobKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
              : new Cmp(jobKey, Cmp.Op.EQUAL, CmpTarget.modRevision(known.get().version())));
      ops.add(Op.put(jobKey, bytes(Json.write(job.toSpec())), PutOption.DEFAULT));
      if (create) {
        ops.add(Op.put(cursorKey, bytes(now), PutOption.DEFAULT));
        ops.add(Op.delete(bytes(keys.kill(name)), DeleteOption.DEFAULT));
      } else {
        ops.add(cursorOnUpdate(cursorKey, now, job, known));
      }
      String auditKey;
      do {
        auditKey = auditKey(at); // one transaction may not write a key twice
      } while (!auditKeys.add(auditKey));
      ops.add(
          auditPut(
              auditKey,
              at,
              actor,
              create ? "create" : "update",
              name,
              known.map(Versioned::version).orElse(ABSENT),
              Optional.of(job.toSpec())));
    }
    long revision = read.getHeader().getRevision();
    if (!ops.isEmpty()) {
      ops.add(changed());
      TxnResponse written =
          EtcdCalls.await(
              client
                  .getKVClient()
                  .txn()
                  .If(guards.toArray(Cmp[]::new))
                  .Then(ops.toArray(Op[]::new))
                  .commit(),
              timeout,
              "write " + guards.size() + " jobs");
      if (!written.isSucceeded()) {
        return chunk.stream().map(j -> one(j, actor)).toList();
      }
      revision = written.getHeader().getRevision();
    }
    List<Applied> out = new ArrayList<>(chunk.size());
    for (int i = 0; i < chunk.size(); i++) {
      Job job = chunk.get(i);
      Optional<Versioned> known = current.get(i);
      if (known.isPresent() && known.get().job().toSpec().equals(job.toSpec())) {
        out.add(new Applied(known.get(), Outcome.UNCHANGED));
      } else {
        out.add(
            new Applied(
                new Versioned(job, revision), known.isEmpty() ? Outcome.CREATED : Outcome.CHANGED));
      }
    }
    return out;
  }

  /** {@link #apply} of one job, through {@link #put}. */
  private Applied one(Job job, String actor) {
    Optional<Versioned> known = get(job.name());
    if (known.isPresent() && known.get().job().toSpec().equals(job.toSpec())) {
      return new Applied(known.get(), Outcome.UNCHANGED);
    }
    PutResult r = put(job, ANY_VERSION, actor);
    return new Applied(r.job(), r.created() ? Outcome.CREATED : Outcome.CHANGED);
  }

  private Optional<PutResult> tryPut(
      Job job, long expected, String actor, Optional<Versioned> known) {
    String name = job.name().value();
    ByteSequence jobKey = bytes(keys.job(name));
    ByteSequence cursorKey = bytes(keys.cursor(name));
    String now = Keys.pad(clock.instant());
    boolean create = expected == ABSENT;
    Cmp guard =
        create
            ? new Cmp(jobKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
            : new Cmp(jobKey, Cmp.Op.EQUAL, CmpTarget.modRevision(expected));
    List<Op> then = new ArrayList<>();
    then.add(Op.put(jobKey, bytes(Json.write(job.toSpec())), PutOption.DEFAULT));
    then.add(changed());
    if (create) {
      // A new job starts its schedule now: nothing before its creation is a missed fire.
      then.add(Op.put(cursorKey, bytes(now), PutOption.DEFAULT));
      then.add(Op.delete(bytes(keys.kill(name)), DeleteOption.DEFAULT));
    } else {
      then.add(cursorOnUpdate(cursorKey, now, job, known));
    }
    String action = create ? "create" : "update";
    then.add(auditPut(actor, action, name, expected, Optional.of(job.toSpec())));
    TxnResponse response =
        EtcdCalls.await(
            client
                .getKVClient()
                .txn()
                .If(guard)
                .Then(then.toArray(Op[]::new))
                .Else(Op.get(jobKey, GetOption.DEFAULT))
                .commit(),
            timeout,
            "write job " + name);
    if (!response.isSucceeded()) {
      return Optional.empty();
    }
    Versioned written = new Versioned(job, response.getHeader().getRevision());
    return Optional.of(new PutResult(written, create, create ? Optional.empty() : known));
  }

  /**
   * The cursor on an update, in one operation (etcd refuses two writes of one key in a
   * transaction): recreated at now if lost by hand (it would stop every claim of the job), and
   * moved to now when the job resumes (fires that fell while paused are not caught up) or its
   * schedule or time zone changes (the old schedule's gap is no missed fire of the new one).
   */
  private Op cursorOnUpdate(
      ByteSequence cursorKey, String now, Job job, Optional<Versioned> known) {
    Op putNow = Op.put(cursorKey, bytes(now), PutOption.DEFAULT);
    Cmp absent = new Cmp(cursorKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0));
    if (!restartsSchedule(job, known)) {
      return Op.txn(new Cmp[] {absent}, new Op[] {putNow}, new Op[] {});
    }
    Op forward =
        Op.txn(
            new Cmp[] {new Cmp(cursorKey, Cmp.Op.LESS, CmpTarget.value(bytes(now)))},
            new Op[] {putNow},
            new Op[] {});
    return Op.txn(new Cmp[] {absent}, new Op[] {putNow}, new Op[] {forward});
  }

  /** Whether this write starts the job's schedule anew from now. */
  private static boolean restartsSchedule(Job job, Optional<Versioned> known) {
    if (known.isEmpty() || job.paused()) {
      return false;
    }
    JobSpec before = known.get().job().toSpec();
    JobSpec after = job.toSpec();
    return before.paused() == Boolean.TRUE
        || !Objects.equals(before.schedule(), after.schedule())
        || !Objects.equals(before.timeZone(), after.timeZone());
  }

  @Override
  public Optional<Versioned> get(JobName name) {
    GetResponse response =
        EtcdCalls.await(
            client.getKVClient().get(bytes(keys.job(name.value()))),
            timeout,
            "read job " + name.value());
    return response.getKvs().stream().findFirst().map(EtcdJobStore::decode);
  }

  /** Every job, read in pages at one revision (see {@link PagedRange}). */
  @Override
  public List<Versioned> list() {
    List<Versioned> jobs = new ArrayList<>();
    PagedRange.of(client.getKVClient(), timeout)
        .forEachPage(keys.jobs(), page -> page.forEach(kv -> jobs.add(decode(kv))));
    return jobs;
  }

  @Override
  public long count() {
    return EtcdCalls.await(
            client
                .getKVClient()
                .get(
                    bytes(keys.jobs()),
                    GetOption.builder().isPrefix(true).withCountOnly(true).build()),
            timeout,
            "count the jobs")
        .getCount();
  }

  /** Jobs read per page at most, whatever the filter keeps: each request stays bounded. */
  static final int MAX_SCAN = 10_000;

  @Override
  public JobPage page(Optional<JobName> after, int limit, Predicate<Job> filter) {
    PagedRange.Slice slice =
        PagedRange.of(client.getKVClient(), timeout)
            .slice(
                keys.jobs(),
                after.map(n -> bytes(keys.job(n.value()))),
                limit,
                MAX_SCAN,
                kv -> filter.test(decode(kv).job()));
    return new JobPage(
        slice.kept().stream().map(EtcdJobStore::decode).toList(),
        slice.resumeAfter().map(k -> JobName.of(Keys.name(keys.jobs(), string(k)))));
  }

  /**
   * The put of {@link Keys#jobsChanged()} every transaction that changes a job carries: its mod
   * revision tells a {@link CachedJobStore} up to where its copy must be current.
   */
  private Op changed() {
    return Op.put(bytes(keys.jobsChanged()), ByteSequence.EMPTY, PutOption.DEFAULT);
  }

  /**
   * Decodes a stored job; stored jobs were valid when written, so the future-fire rule is not
   * applied again.
   */
  public static Versioned decode(KeyValue kv) {
    return decode(kv.getValue().getBytes(), kv.getModRevision());
  }

  /** Decodes a stored job's JSON, of version {@code version}. */
  public static Versioned decode(byte[] json, long version) {
    return new Versioned(Job.from(Json.read(json, JobSpec.class), Instant.EPOCH), version);
  }

  @Override
  public void delete(JobName name, long expectedVersion, String actor) {
    Versioned current = require(name);
    long expected = expectedVersion == ANY_VERSION ? current.version() : expectedVersion;
    String n = name.value();
    ByteSequence jobKey = bytes(keys.job(n));
    Instant now = clock.instant();
    TxnResponse response =
        EtcdCalls.await(
            client
                .getKVClient()
                .txn()
                .If(new Cmp(jobKey, Cmp.Op.EQUAL, CmpTarget.modRevision(expected)))
                .Then(
                    Op.delete(jobKey, DeleteOption.DEFAULT),
                    changed(),
                    Op.delete(bytes(keys.cursor(n)), DeleteOption.DEFAULT),
                    // Manual runs asked for but not claimed yet must not run a later job of
                    // the same name.
                    Op.delete(
                        bytes(keys.triggers() + n + "/"),
                        DeleteOption.builder().isPrefix(true).build()),
                    // Runs of a deleted job must stop too.
                    killPut(n, now, actor, "job " + n + " was deleted by " + actor),
                    auditPut(actor, "delete", n, expected, Optional.empty()))
                .Else(Op.get(jobKey, GetOption.DEFAULT))
                .commit(),
            timeout,
            "delete job " + n);
    if (!response.isSucceeded()) {
      List<KeyValue> kvs = response.getGetResponses().get(0).getKvs();
      if (kvs.isEmpty()) {
        throw new JobNotFoundException(n);
      }
      throw new VersionConflictException(n, expected, kvs.get(0).getModRevision());
    }
  }

  @Override
  public Versioned setPaused(JobName name, boolean paused, long expectedVersion, String actor) {
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
      Versioned current = require(name);
      if (expectedVersion != ANY_VERSION && current.version() != expectedVersion) {
        throw new VersionConflictException(name.value(), expectedVersion, current.version());
      }
      if (current.job().paused() == paused) {
        return current;
      }
      Optional<PutResult> written = tryPaused(current, paused, actor);
      if (written.isPresent()) {
        return written.get().job();
      }
      if (expectedVersion != ANY_VERSION) {
        break;
      }
    }
    throw new VersionConflictException(name.value(), expectedVersion, require(name).version());
  }

  private Optional<PutResult> tryPaused(Versioned current, boolean paused, String actor) {
    Job job = current.job().withPaused(paused);
    String n = job.name().value();
    ByteSequence jobKey = bytes(keys.job(n));
    ByteSequence cursorKey = bytes(keys.cursor(n));
    List<Op> then = new ArrayList<>();
    then.add(Op.put(jobKey, bytes(Json.write(job.toSpec())), PutOption.DEFAULT));
    then.add(changed());
    if (!paused) {
      then.add(cursorOnUpdate(cursorKey, Keys.pad(clock.instant()), job, Optional.of(current)));
    }
    then.add(
        auditPut(
            actor, paused ? "pause" : "resume", n, current.version(), Optional.of(job.toSpec())));
    TxnResponse response =
        EtcdCalls.await(
            client
                .getKVClient()
                .txn()
                .If(new Cmp(jobKey, Cmp.Op.EQUAL, CmpTarget.modRevision(current.version())))
                .Then(then.toArray(Op[]::new))
                .commit(),
            timeout,
            (paused ? "pause" : "resume") + " job " + n);
    return response.isSucceeded()
        ? Optional.of(
            new PutResult(
                new Versioned(job, response.getHeader().getRevision()),
                false,
                Optional.of(current)))
        : Optional.empty();
  }

  @Override
  public String trigger(JobName name, Map<String, String> params, String actor) {
    String n = name.value();
    ByteSequence jobKey = bytes(keys.job(n));
    Instant at = clock.instant();
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++, at = at.plusMillis(1)) {
      ByteSequence request = bytes(keys.trigger(n, at.toEpochMilli()));
      TxnResponse response =
          EtcdCalls.await(
              client
                  .getKVClient()
                  .txn()
                  .If(
                      new Cmp(jobKey, Cmp.Op.GREATER, CmpTarget.createRevision(0)),
                      // Create only: a worker may have read this request's parameters already,
                      // so its value is never replaced; a second request in the same millisecond
                      // takes the next one.
                      new Cmp(request, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                  .Then(
                      Op.put(
                          request,
                          bytes(Json.write(new TriggerRequest(at, actor, params))),
                          PutOption.DEFAULT),
                      auditPut(actor, "trigger", n, 0, Optional.empty()))
                  .Else(Op.get(jobKey, GetOption.builder().withCountOnly(true).build()))
                  .commit(),
              timeout,
              "trigger job " + n);
      if (response.isSucceeded()) {
        return n + "@" + at.toEpochMilli() + "~manual";
      }
      if (response.getGetResponses().get(0).getCount() == 0) {
        throw new JobNotFoundException(n);
      }
    }
    throw new IllegalStateException(
        "job "
            + n
            + " was triggered "
            + MAX_RETRIES
            + " times in the same milliseconds; try again");
  }

  @Override
  public void kill(JobName name, String actor) {
    String n = name.value();
    ifJobExists(
        n,
        "kill runs of job " + n,
        killPut(n, clock.instant(), actor, "killed by " + actor),
        auditPut(actor, "kill", n, 0, Optional.empty()));
  }

  /** Applies {@code ops} in one transaction if the job exists. */
  private void ifJobExists(String name, String what, Op... ops) {
    TxnResponse response =
        EtcdCalls.await(
            client
                .getKVClient()
                .txn()
                .If(new Cmp(bytes(keys.job(name)), Cmp.Op.GREATER, CmpTarget.createRevision(0)))
                .Then(ops)
                .commit(),
            timeout,
            what);
    if (!response.isSucceeded()) {
      throw new JobNotFoundException(name);
    }
  }

  @Override
  public void record(String actor, String action, String detail) {
    Instant now = clock.instant();
    AuditEntry entry =
        new AuditEntry(now, actor, action, "", 0, 0, Optional.empty(), Optional.of(detail));
    EtcdCalls.await(
        client.getKVClient().put(bytes(auditKey(now)), bytes(Json.write(entry))),
        timeout,
        "write the audit trail");
  }

  /** Audit entries read per request at most, whatever the job filter keeps. */
  static final int MAX_AUDIT_SCAN = 10_000;

  private static final Pattern AUDIT_CURSOR = Pattern.compile("[0-9]{19}-[0-9a-f]{6}");

  /**
   * The newest entries first. etcd has no descending range without a sort, which reads the range it
   * sorts: each read is bounded by the cursor above, and the trail itself by its retention.
   */
  @Override
  public AuditPage audit(Optional<JobName> job, Optional<String> cursor, int limit) {
    ByteSequence end =
        cursor
            .map(
                c -> {
                  if (!AUDIT_CURSOR.matcher(c).matches()) {
                    throw new IllegalArgumentException(
                        "cursor: \"" + c + "\" is not a cursor of the audit trail");
                  }
                  return bytes(keys.audits() + c);
                })
            .orElse(io.etcd.jetcd.options.OptionsUtil.prefixEndOf(bytes(keys.audits())));
    List<AuditEntry> entries = new ArrayList<>();
    long revision = 0;
    int scanned = 0;
    while (true) {
      GetResponse response =
          EtcdCalls.await(
              client
                  .getKVClient()
                  .get(
                      bytes(keys.audits()),
                      GetOption.builder()
                          .withRange(end)
                          .withRevision(revision)
                          .withSortField(GetOption.SortTarget.KEY)
                          .withSortOrder(GetOption.SortOrder.DESCEND)
                          .withLimit(Math.min(AUDIT_PAGE, MAX_AUDIT_SCAN - scanned))
                          .build()),
              timeout,
              "read the audit trail");
      revision = response.getHeader().getRevision();
      List<KeyValue> kvs = response.getKvs();
      for (int i = 0; i < kvs.size(); i++) {
        KeyValue kv = kvs.get(i);
        scanned++;
        // Tolerant: an entry a newer master wrote may have fields this one does not know.
        AuditEntry e = Json.readStored(string(kv.getValue()), AuditEntry.class);
        if (job.isEmpty() || job.get().value().equals(e.job())) {
          entries.add(withVersion(e, kv));
        }
        boolean last = i == kvs.size() - 1 && !response.isMore();
        if (entries.size() >= limit || scanned >= MAX_AUDIT_SCAN) {
          return new AuditPage(
              entries,
              last ? Optional.empty() : Optional.of(Keys.name(keys.audits(), string(kv.getKey()))));
        }
      }
      if (!response.isMore() || kvs.isEmpty()) {
        return new AuditPage(entries, Optional.empty());
      }
      // The next read holds the keys before the oldest one read (keys sort by time).
      end = kvs.get(kvs.size() - 1).getKey();
    }
  }

  @Override
  public int pruneAudit(Instant before, int max) {
    ByteSequence from = bytes(keys.audits());
    ByteSequence cutoff = bytes(keys.audits() + Keys.pad(before));
    List<KeyValue> old =
        EtcdCalls.await(
                client
                    .getKVClient()
                    .get(
                        from,
                        GetOption.builder()
                            .withRange(cutoff)
                            .withKeysOnly(true)
                            .withLimit(max)
                            .build()),
                timeout,
                "read the audit trail")
            .getKvs();
    if (old.isEmpty()) {
      return 0;
    }
    byte[] last = old.get(old.size() - 1).getKey().getBytes();
    ByteSequence afterLast = ByteSequence.from(Arrays.copyOf(last, last.length + 1));
    return (int)
        EtcdCalls.await(
                client
                    .getKVClient()
                    .delete(from, DeleteOption.builder().withRange(afterLast).build()),
                timeout,
                "prune the audit trail")
            .getDeleted();
  }

  private static AuditEntry withVersion(AuditEntry e, KeyValue kv) {
    boolean writes =
        e.action().equals("create")
            || e.action().equals("update")
            || e.action().equals("pause")
            || e.action().equals("resume");
    return new AuditEntry(
        e.at(),
        e.actor(),
        e.action(),
        e.job(),
        e.previousVersion(),
        writes ? kv.getModRevision() : 0,
        e.definition(),
        e.detail());
  }

  private Versioned require(JobName name) {
    return get(name).orElseThrow(() -> new JobNotFoundException(name.value()));
  }

  private Op killPut(String name, Instant now, String actor, String reason) {
    KillRequest kill = new KillRequest(now, List.of(), actor, reason);
    // Covers every run claimed before this write (see KillRequest); no clock involved.
    return Op.put(bytes(keys.kill(name)), bytes(Json.write(kill)), PutOption.DEFAULT);
  }

  private Op auditPut(
      String actor, String action, String job, long previousVersion, Optional<JobSpec> definition) {
    Instant now = clock.instant();
    return auditPut(auditKey(now), now, actor, action, job, previousVersion, definition);
  }

  private static Op auditPut(
      String key,
      Instant now,
      String actor,
      String action,
      String job,
      long previousVersion,
      Optional<JobSpec> definition) {
    // The entry's own mod revision is the job's new version: written in the same transaction.
    AuditEntry entry = new AuditEntry(now, actor, action, job, previousVersion, 0, definition);
    return Op.put(bytes(key), bytes(Json.write(entry)), PutOption.DEFAULT);
  }

  private String auditKey(Instant now) {
    return keys.audits()
        + Keys.pad(now)
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }
}
