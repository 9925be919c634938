package io.etcron.notify;

import io.etcron.job.Job;
import io.etcron.job.JobName;
import io.etcron.job.JobStore;
import io.etcron.job.NotifyEvent;
import io.etcron.job.NotifyRule;
import io.etcron.run.Delivery;
import io.etcron.run.Outbox;
import io.etcron.run.Run;
import io.etcron.run.RunEnd;
import io.etcron.run.RunId;
import io.etcron.run.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns run ends into deliveries for the targets of each job's {@code notify} list, and finds late
 * runs. Reads each job once per page. Not thread-safe: the notifier's thread only.
 */
final class Enqueuer {
  static final int PAGE = 200;

  /** Pages per call at most, so that sending is never starved by a burst of ends. */
  static final int MAX_PAGES = 20;

  /** Late deliveries already enqueued, so that a long late run is not merged again every scan. */
  private final Map<Delivery.Key, Boolean> lateSeen =
      new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Delivery.Key, Boolean> e) {
          return size() > 10_000;
        }
      };

  private final Outbox outbox;
  private final JobStore jobs;

  Enqueuer(Outbox outbox, JobStore jobs) {
    this.outbox = outbox;
    this.jobs = jobs;
  }

  /** Handles pending run ends; returns how many deliveries it added. */
  int ends(Instant now) {
    int added = 0;
    for (int page = 0; page < MAX_PAGES; page++) {
      List<RunEnd> ends = outbox.pendingEnds(PAGE);
      if (ends.isEmpty()) {
        break;
      }
      Map<String, Optional<Job>> known = new HashMap<>();
      List<Delivery> deliveries = new ArrayList<>();
      for (RunEnd e : ends) {
        Optional<Job> job = known.computeIfAbsent(e.id().job(), this::job);
        if (job.isPresent()) {
          event(e, job.get())
              .ifPresent(ev -> deliveries.addAll(deliveries(job.get(), e.id(), ev, now)));
        }
      }
      added += outbox.enqueue(ends, deliveries);
      if (ends.size() < PAGE) {
        break;
      }
    }
    return added;
  }

  private Optional<Job> job(String name) {
    return jobs.get(JobName.of(name)).map(JobStore.Versioned::job);
  }

  /** The event a run end is, for this job; empty when it is none or nobody wants it. */
  private Optional<NotifyEvent> event(RunEnd e, Job job) {
    if (job.notifyRules().isEmpty()) {
      return Optional.empty();
    }
    NotifyEvent event;
    switch (e.state()) {
      case SUCCEEDED -> {
        if (job.notifyRules().stream().noneMatch(r -> r.wants(NotifyEvent.RECOVERED))) {
          return Optional.empty();
        }
        Optional<RunState> before = outbox.previousFinished(e.id());
        return before.isPresent() && before.get() != RunState.SUCCEEDED
            ? Optional.of(NotifyEvent.RECOVERED)
            : Optional.empty();
      }
      case FAILED -> event = NotifyEvent.FAILED;
      case TIMED_OUT -> event = NotifyEvent.TIMED_OUT;
      case KILLED -> event = NotifyEvent.KILLED;
      case LOST -> event = NotifyEvent.LOST;
      case MISSED -> event = NotifyEvent.MISSED;
      default -> {
        return Optional.empty();
      }
    }
    boolean retried =
        (e.state() == RunState.FAILED || e.state() == RunState.TIMED_OUT)
            && e.attempt() <= job.retries();
    // A failed attempt that the worker retries is not the run's outcome yet.
    return retried ? Optional.empty() : Optional.of(event);
  }

  private static List<Delivery> deliveries(Job job, RunId id, NotifyEvent event, Instant now) {
    List<Delivery> out = new ArrayList<>();
    for (NotifyRule r : job.notifyRules()) {
      if (r.wants(event)) {
        out.add(Delivery.pending(new Delivery.Key(id, event, r.targetKey()), now));
      }
    }
    return out;
  }

  /**
   * Enqueues {@code late} for RUNNING runs past their job's {@code sla}, paging through the running
   * runs by fire time. Returns how many deliveries it added.
   */
  int late(Instant now) {
    int added = 0;
    Optional<Run> after = Optional.empty();
    Map<String, Optional<Job>> known = new HashMap<>();
    for (int page = 0; page < MAX_PAGES; page++) {
      List<Run> running = outbox.runningFiredBefore(now.minus(Duration.ofSeconds(1)), after, PAGE);
      List<Delivery> deliveries = new ArrayList<>();
      for (Run r : running) {
        Optional<Job> job = known.computeIfAbsent(r.job(), this::job);
        if (job.isEmpty() || job.get().sla().isEmpty()) {
          continue;
        }
        if (!r.fireTime().plus(job.get().sla().get()).isAfter(now)) {
          for (Delivery d : deliveries(job.get(), r.id(), NotifyEvent.LATE, now)) {
            if (!lateSeen.containsKey(d.key())) {
              deliveries.add(d);
            }
          }
        }
      }
      added += outbox.enqueue(List.of(), deliveries);
      // Remembered once stored: a failed write is tried again on the next scan.
      deliveries.forEach(d -> lateSeen.put(d.key(), Boolean.TRUE));
      if (running.size() < PAGE) {
        break;
      }
      after = Optional.of(running.get(running.size() - 1));
    }
    return added;
  }
}
