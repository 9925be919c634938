package io.etcron.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcron.bench.BenchJobs;
import io.etcron.job.JobStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * More than gRPC's 4 MiB message limit under one prefix: the mirror, the paged range and the job
 * store read it in pages, and a re-listing while writes go on loses nothing.
 */
class PrefixMirrorPagingIT {
  private static final int KEYS = 25_000;
  private static final String FILLER = "x".repeat(150);

  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();

  /** Keeps its own copy of the prefix, from the listener calls alone. */
  static final class Copy implements PrefixMirror.Listener {
    final Map<String, String> values = new ConcurrentHashMap<>();

    @Override
    public void onPut(KeyValue kv) {
      values.put(Keys.string(kv.getKey()), Keys.string(kv.getValue()));
    }

    @Override
    public void onDelete(String key) {
      values.remove(key);
    }
  }

  /** Writes {@code KEYS} job definitions of about 220 bytes under {@code <namespace>jobs/}. */
  private static void fill(Client c, String namespace) throws Exception {
    BenchJobs.create(
        c,
        Keys.of(namespace),
        KEYS,
        i -> BenchJobs.spec(String.format("j%06d", i), "@daily", null, FILLER));
  }

  private static Map<String, String> actual(Client c, String prefix) {
    Map<String, String> m = new HashMap<>();
    PagedRange.of(c.getKVClient(), Duration.ofSeconds(5))
        .forEachPage(
            prefix,
            page ->
                page.forEach(kv -> m.put(Keys.string(kv.getKey()), Keys.string(kv.getValue()))));
    return m;
  }

  @Test
  void a_prefix_over_the_message_limit_is_mirrored_and_listed() throws Exception {
    Client c = etcd.client();
    fill(c, "/etcron/");
    // The same keys in one range do not fit one gRPC message: that is why every read pages.
    assertThatThrownBy(
            () ->
                EtcdCalls.await(
                    c.getKVClient()
                        .get(
                            Keys.bytes("/etcron/jobs/"),
                            GetOption.builder().isPrefix(true).build()),
                    Duration.ofSeconds(10),
                    "list jobs"))
        .isInstanceOfSatisfying(EtcdRequestException.class, e -> assertThat(e.tooLarge()).isTrue())
        .hasMessageContaining("RESOURCE_EXHAUSTED");

    Copy copy = new Copy();
    try (PrefixMirror mirror =
        PrefixMirror.start(c, "/etcron/jobs/", copy, Duration.ofSeconds(5))) {
      assertThat(mirror.awaitSynced(Duration.ofSeconds(30))).isTrue();
      assertThat(mirror.size()).isEqualTo(KEYS);
      assertThat(copy.values).hasSize(KEYS);
    }

    PagedRange.Listing listing =
        PagedRange.of(c.getKVClient(), Duration.ofSeconds(5)).forEachPage("/etcron/jobs/", p -> {});
    assertThat(listing.keys()).isEqualTo(KEYS);
    assertThat(listing.pages()).isGreaterThan(1);

    JobStore store =
        new EtcdJobStore(c, Keys.of("/etcron/"), Duration.ofSeconds(10), Clock.systemUTC());
    List<JobStore.Versioned> jobs = store.list();
    assertThat(jobs).hasSize(KEYS);
    assertThat(jobs.get(0).job().name().value()).isEqualTo("j000000");
    assertThat(jobs.get(KEYS - 1).job().name().value()).isEqualTo(String.format("j%06d", KEYS - 1));
  }

  @Test
  void a_slice_reads_what_its_page_needs_and_resumes_where_it_stopped() throws Exception {
    Client c = etcd.client();
    fill(c, "/s/");
    // etcd's own client, with the keys each range asks for written down.
    List<Long> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    KV kvClient = c.getKVClient();
    KV counting =
        (KV)
            java.lang.reflect.Proxy.newProxyInstance(
                KV.class.getClassLoader(),
                new Class<?>[] {KV.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("get") && args.length == 2) {
                    asked.add(((GetOption) args[1]).getLimit());
                  }
                  return method.invoke(kvClient, args);
                });
    PagedRange range = PagedRange.of(counting, Duration.ofSeconds(5));
    PagedRange.Slice first = range.slice("/s/jobs/", Optional.empty(), 100, 10_000, kv -> true);
    // No filter: one read of the page and one key more (to know it is not the last), not a
    // listing page of thousands.
    assertThat(asked).containsExactly(101L);
    assertThat(first.kept()).hasSize(100);
    assertThat(Keys.string(first.kept().get(99).getKey())).isEqualTo("/s/jobs/j000099");
    PagedRange.Slice second = range.slice("/s/jobs/", first.resumeAfter(), 100, 10_000, kv -> true);
    assertThat(Keys.string(second.kept().get(0).getKey())).isEqualTo("/s/jobs/j000100");

    // A filter that keeps one key in a thousand reads on, in growing reads, within the bound.
    PagedRange.Slice sparse =
        range.slice(
            "/s/jobs/",
            Optional.empty(),
            5,
            10_000,
            kv -> Keys.string(kv.getKey()).endsWith("000"));
    assertThat(sparse.kept())
        .extracting(kv -> Keys.string(kv.getKey()))
        .containsExactly(
            "/s/jobs/j000000",
            "/s/jobs/j001000",
            "/s/jobs/j002000",
            "/s/jobs/j003000",
            "/s/jobs/j004000");
    PagedRange.Slice bounded =
        range.slice(
            "/s/jobs/",
            Optional.empty(),
            50,
            10_000,
            kv -> Keys.string(kv.getKey()).endsWith("000"));
    assertThat(bounded.kept()).hasSize(10); // j000000 .. j009000: 10 000 keys read, no more
    assertThat(bounded.resumeAfter()).isPresent();
  }

  @Test
  void a_relist_during_concurrent_writes_loses_nothing() throws Exception {
    Client c = etcd.client();
    String prefix = "/m/jobs/";
    fill(c, "/m/");
    Copy copy = new Copy();
    try (PrefixMirror mirror = PrefixMirror.start(c, prefix, copy, Duration.ofSeconds(5))) {
      assertThat(mirror.awaitSynced(Duration.ofSeconds(30))).isTrue();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger written = new AtomicInteger();
      Thread writer =
          new Thread(
              () -> {
                Random random = new Random(42);
                try (Client w = etcd.newClient()) {
                  while (writing.get()) {
                    String key = prefix + String.format("j%06d", random.nextInt(KEYS + 500));
                    try {
                      if (random.nextInt(3) == 0) {
                        w.getKVClient().delete(Keys.bytes(key)).get(2, TimeUnit.SECONDS);
                      } else {
                        w.getKVClient()
                            .put(Keys.bytes(key), Keys.bytes("v" + written.get()))
                            .get(2, TimeUnit.SECONDS);
                      }
                      written.incrementAndGet();
                    } catch (Exception e) {
                      // etcd is restarting: the write may or may not have happened
                    }
                  }
                }
              },
              "writer");
      writer.start();
      try {
        await().atMost(Timing.seconds(20)).until(() -> written.get() > 200);
        // The restart breaks the watch: the mirror lists all 25 000 keys again, in pages, while
        // the writer goes on.
        etcd.member(0).kill();
        etcd.member(0).launchAgain();
        int before = written.get();
        await().atMost(Timing.seconds(60)).until(() -> written.get() > before + 2_000);
      } finally {
        writing.set(false);
        writer.join(10_000);
      }
      Map<String, String> truth = actual(c, prefix);
      await()
          .atMost(Timing.seconds(30))
          .until(() -> copy.values.equals(truth) && mirror.size() == truth.size());
    }
  }
}
