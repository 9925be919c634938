package io.etcron.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.job.JobStore;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SignInAuditTest {
  final List<String> written = new ArrayList<>();
  final AtomicLong now = new AtomicLong();
  boolean etcdDown;

  /** A job store whose audit trail is {@link #written}; nothing else is called. */
  final JobStore jobs =
      (JobStore)
          Proxy.newProxyInstance(
              JobStore.class.getClassLoader(),
              new Class<?>[] {JobStore.class},
              (proxy, method, args) -> {
                if (!method.getName().equals("record")) {
                  throw new AssertionError("unexpected " + method.getName());
                }
                if (etcdDown) {
                  throw new IllegalStateException("etcd is down");
                }
                written.add(args[0] + " " + args[1] + ": " + args[2]);
                return null;
              });

  final SignInAudit audit = new SignInAudit(jobs, 3, Duration.ofSeconds(60), now::get);

  @Test
  void at_most_so_many_entries_a_window_and_the_rest_counted_in_the_next() {
    for (int i = 1; i <= 10; i++) {
      audit.refused("10.0.0." + i, 10, Duration.ofSeconds(60));
    }
    assertThat(written).hasSize(3);
    assertThat(written.get(0))
        .isEqualTo(
            "10.0.0.1 sign-in-refused: 10 unknown tokens within 60 s: its sign-ins are refused"
                + " (429) until the window ends");
    now.addAndGet(Duration.ofSeconds(61).toNanos());
    audit.refused("10.0.0.11", 10, Duration.ofSeconds(60));
    assertThat(written).hasSize(4);
    assertThat(written.get(3))
        .startsWith("10.0.0.11 ")
        .endsWith("; 7 more addresses were refused meanwhile, not listed");
  }

  @Test
  void a_failed_write_is_not_the_client_s_problem() {
    etcdDown = true;
    audit.refused("10.0.0.1", 10, Duration.ofSeconds(60));
    etcdDown = false;
    audit.refused("10.0.0.2", 10, Duration.ofSeconds(60));
    assertThat(written).hasSize(1);
  }
}
