package io.etcron.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcron.job.Job;
import io.etcron.job.JobName;
import io.etcron.job.JobSpecs;
import io.etcron.job.JobStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.TcpProxy;
import io.etcron.testing.Timing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The master's lists come from a watched copy of the jobs, and never miss a change that completed
 * before them, even while the copy is held back.
 */
class CachedJobStoreIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  private static final Keys KEYS = Keys.of("/etcron/");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static Job job(String name) {
    return Job.from(JobSpecs.spec(name, "@daily", "true"), Instant.now());
  }

  private static int port(String url) {
    return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
  }

  @Test
  void a_list_never_misses_a_change_that_completed_before_it() throws Exception {
    JobStore other = new EtcdJobStore(etcd.client(), KEYS, TIMEOUT, Clock.systemUTC());
    other.put(job("a"), JobStore.ABSENT, "test");
    try (TcpProxy proxy = TcpProxy.to(port(etcd.member(0).clientUrl()));
        Client watch = Client.builder().endpoints(proxy.url()).build();
        CachedJobStore store =
            CachedJobStore.start(watch, etcd.client(), KEYS, TIMEOUT, Clock.systemUTC())) {
      await()
          .atMost(Timing.seconds(10))
          .until(() -> store.count() == 1 && store.listsFromCopy() > 0);

      // Another master changes the jobs while this copy hears nothing of it.
      proxy.holdAnswers();
      other.put(job("b"), JobStore.ABSENT, "test");
      other.delete(JobName.of("a"), JobStore.ANY_VERSION, "test");
      long fromCopy = store.listsFromCopy();
      assertThat(store.page(Optional.empty(), 10, j -> true).jobs())
          .extracting(v -> v.job().name().value())
          .containsExactly("b");
      assertThat(store.count()).isEqualTo(1);
      JobStore.CountedPage counted = store.countedPage(Optional.empty(), 10, j -> true);
      assertThat(counted.total()).isEqualTo(1);
      assertThat(counted.page().jobs())
          .extracting(v -> v.job().name().value())
          .containsExactly("b");
      assertThat(store.listsFromCopy())
          .as("answered from etcd, not the stale copy")
          .isEqualTo(fromCopy);

      // Once the copy catches up, it answers again.
      proxy.pass();
      await()
          .atMost(Timing.seconds(10))
          .until(
              () -> {
                long before = store.listsFromCopy();
                return store.page(Optional.empty(), 10, j -> true).jobs().size() == 1
                    && store.listsFromCopy() > before;
              });
      assertThat(store.page(Optional.empty(), 10, j -> true).jobs())
          .extracting(v -> v.job().name().value())
          .containsExactly("b");
    }
  }

  @Test
  void pages_from_the_copy_follow_their_cursor_filter_and_end() {
    JobStore writer = new EtcdJobStore(etcd.client(), KEYS, TIMEOUT, Clock.systemUTC());
    for (int i = 0; i < 25; i++) {
      writer.put(job(String.format("j%02d", i)), JobStore.ABSENT, "test");
    }
    try (CachedJobStore store =
        CachedJobStore.start(etcd.client(), KEYS, TIMEOUT, Clock.systemUTC())) {
      await().atMost(Timing.seconds(10)).until(() -> store.count() == 25);
      long before = store.listsFromCopy();
      JobStore.JobPage first = store.page(Optional.empty(), 10, j -> true);
      assertThat(first.jobs()).hasSize(10);
      assertThat(first.next()).contains(JobName.of("j09"));
      JobStore.JobPage last = store.page(Optional.of(JobName.of("j19")), 10, j -> true);
      assertThat(last.jobs())
          .extracting(v -> v.job().name().value())
          .containsExactly("j20", "j21", "j22", "j23", "j24");
      assertThat(last.next()).as("nothing after the last page").isEmpty();
      JobStore.JobPage odd = store.page(Optional.empty(), 100, j -> j.name().value().endsWith("1"));
      assertThat(odd.jobs())
          .extracting(v -> v.job().name().value())
          .containsExactly("j01", "j11", "j21");
      // Its own write is in its next list.
      store.put(job("j99"), JobStore.ABSENT, "test");
      assertThat(store.count()).isEqualTo(26);
      assertThat(store.page(Optional.of(JobName.of("j24")), 10, j -> true).jobs())
          .extracting(v -> v.job().name().value())
          .containsExactly("j99");
      assertThat(store.listsFromCopy() - before).as("every list from the copy").isEqualTo(5);

      // A list's page and its total look once at where the jobs last changed, not once each.
      long beforeCounted = store.listsFromCopy();
      JobStore.CountedPage counted = store.countedPage(Optional.empty(), 3, j -> true);
      assertThat(counted.total()).isEqualTo(26);
      assertThat(counted.page().jobs()).hasSize(3);
      assertThat(counted.page().next()).contains(JobName.of("j02"));
      assertThat(store.listsFromCopy() - beforeCounted).isEqualTo(1);
    }
  }
}
