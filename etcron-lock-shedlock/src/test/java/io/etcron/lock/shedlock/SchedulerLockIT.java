package io.etcron.lock.shedlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Two Spring application contexts (two "nodes") run the same {@code @Scheduled @SchedulerLock}
 * task; with the etcd provider it runs once per tick.
 */
class SchedulerLockIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  /** Runs per tick (epoch second / 2), shared by both contexts. */
  static final Map<Long, AtomicInteger> RUNS = new ConcurrentHashMap<>();

  static Client client;

  @Test
  void a_scheduled_task_on_two_nodes_runs_once_per_tick() {
    client = etcd.client();
    try (var first = new AnnotationConfigApplicationContext(Node.class);
        var second = new AnnotationConfigApplicationContext(Node.class)) {
      await().atMost(Timing.seconds(20)).until(() -> RUNS.size() >= 5);
    }
    assertThat(RUNS.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
  }

  /** One node: scheduling, ShedLock and the task. */
  @Configuration
  @EnableScheduling
  @EnableSchedulerLock(defaultLockAtMostFor = "10s")
  static class Node {
    @Bean
    LockProvider lockProvider() {
      return EtcdLockProvider.on(client);
    }

    @Bean
    Task task() {
      return new Task();
    }
  }

  /** The task: counts its runs per tick. */
  static class Task {
    @Scheduled(cron = "*/2 * * * * *")
    @SchedulerLock(name = "tick", lockAtLeastFor = "1s")
    public void tick() {
      RUNS.computeIfAbsent(Instant.now().getEpochSecond() / 2, t -> new AtomicInteger())
          .incrementAndGet();
    }
  }
}
