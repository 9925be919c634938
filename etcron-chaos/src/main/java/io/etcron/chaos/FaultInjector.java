package io.etcron.chaos;

import io.etcron.chaos.check.WorkerFault;
import io.etcron.etcd.EtcdMember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link FaultPlan} on a {@link Cluster}: each fault at its time, healed after its
 * length, even when the run is interrupted. Writes one line per fault to {@code faults.log}. Not
 * thread-safe: one thread drives it.
 */
final class FaultInjector {
  private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);
  private static final Duration RESTART = Duration.ofSeconds(30);

  /**
   * A fault as it happened.
   *
   * @param fault the planned fault
   * @param target what it hit
   * @param at when it was injected
   * @param until when it was healed
   */
  record Injected(Fault fault, String target, Instant at, Instant until) {}

  private final Cluster cluster;
  private final Path file;
  private final List<Injected> injected = new ArrayList<>();

  FaultInjector(Cluster cluster, Path file) {
    this.cluster = cluster;
    this.file = file;
  }

  /** Runs {@code plan}, whose times count from {@code start}; returns when the last is healed. */
  List<Injected> run(List<Fault> plan, Instant start) throws InterruptedException {
    for (Fault f : plan) {
      sleepUntil(start.plus(f.at()));
      inject(f);
    }
    return List.copyOf(injected);
  }

  /** The worker faults, for the checker. */
  List<WorkerFault> workerFaults() {
    List<WorkerFault> out = new ArrayList<>();
    for (Injected i : injected) {
      switch (i.fault().kind()) {
        case WORKER_KILL ->
            out.add(new WorkerFault(i.target(), WorkerFault.Kind.KILL, i.at(), i.until()));
        case WORKER_STOP ->
            out.add(new WorkerFault(i.target(), WorkerFault.Kind.STOP, i.at(), i.until()));
        default -> {}
      }
    }
    return out;
  }

  private void inject(Fault f) throws InterruptedException {
    Instant at = Instant.now();
    String target;
    Runnable heal;
    switch (f.kind()) {
      case WORKER_KILL -> {
        Node w = cluster.workers.get(f.target());
        target = w.name();
        w.kill();
        heal = w::start;
      }
      case WORKER_STOP -> {
        Node w = cluster.workers.get(f.target());
        target = w.name();
        w.freeze();
        heal = w::thaw;
      }
      case MASTER_KILL -> {
        Node m = cluster.masters.get(f.target());
        target = m.name();
        m.kill();
        heal = m::start;
      }
      case ETCD_KILL -> {
        EtcdMember m = cluster.etcd.member(f.target());
        target = m.name();
        m.kill();
        heal = () -> m.restart(RESTART);
      }
      case LEADER_FREEZE -> {
        Optional<EtcdMember> leader = cluster.leader();
        if (leader.isEmpty()) {
          log.warn("no etcd leader found; {} not injected", f);
          return;
        }
        EtcdMember m = leader.get();
        target = m.name();
        m.pause();
        heal = m::resume;
      }
      case QUORUM_LOSS -> {
        EtcdMember a = cluster.etcd.member(f.target());
        EtcdMember b = cluster.etcd.member((f.target() + 1) % cluster.etcd.members().size());
        target = a.name() + "+" + b.name();
        a.kill();
        b.kill();
        heal =
            () -> {
              a.launchAgain();
              b.restart(RESTART);
            };
      }
      case POSTGRES_STOP -> {
        target = "postgres";
        cluster.postgres.stop();
        heal = cluster.postgres::restart;
      }
      default -> throw new IllegalStateException("unknown fault " + f.kind());
    }
    log.info("fault {} on {}", f, target);
    try {
      sleepUntil(at.plus(f.length()));
    } finally {
      heal.run();
      Injected i = new Injected(f, target, at, Instant.now());
      injected.add(i);
      append(i);
      log.info(
          "healed {} on {} after {} ms",
          f.kind(),
          target,
          Duration.between(i.at(), i.until()).toMillis());
    }
  }

  private void append(Injected i) {
    String line =
        i.fault().kind()
            + " "
            + i.target()
            + " "
            + i.at().toEpochMilli()
            + " "
            + i.until().toEpochMilli()
            + "\n";
    try {
      Files.writeString(
          file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static void sleepUntil(Instant t) throws InterruptedException {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }
}
