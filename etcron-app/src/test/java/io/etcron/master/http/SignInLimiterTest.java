package io.etcron.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SignInLimiterTest {
  final AtomicLong now = new AtomicLong(1_000);
  final SignInLimiter limiter = new SignInLimiter(3, Duration.ofSeconds(60), 4, now::get);

  @Test
  void an_address_is_refused_after_its_failures_until_the_window_ends() {
    assertThat(limiter.failed("10.0.0.1")).isFalse();
    assertThat(limiter.failed("10.0.0.1")).isFalse();
    assertThat(limiter.refusedFor("10.0.0.1")).isEmpty();
    assertThat(limiter.failed("10.0.0.1")).as("the one that gets it refused").isTrue();
    assertThat(limiter.failed("10.0.0.1")).as("reported once a window").isFalse();
    now.addAndGet(Duration.ofSeconds(20).toNanos());
    assertThat(limiter.refusedFor("10.0.0.1")).contains(Duration.ofSeconds(40));
    now.addAndGet(Duration.ofSeconds(40).toNanos());
    assertThat(limiter.refusedFor("10.0.0.1")).isEmpty();
    assertThat(limiter.failed("10.0.0.1")).as("a new window counts from one").isFalse();
  }

  @Test
  void other_addresses_are_not_refused() {
    for (int i = 0; i < 3; i++) {
      limiter.failed("10.0.0.1");
    }
    assertThat(limiter.refusedFor("10.0.0.1")).isPresent();
    assertThat(limiter.refusedFor("10.0.0.2")).isEmpty();
  }

  @Test
  void the_table_stays_bounded_dropping_ended_windows_first_then_the_oldest() {
    for (int i = 0; i < 3; i++) {
      limiter.failed("10.0.0.1");
    }
    now.addAndGet(Duration.ofSeconds(61).toNanos());
    for (int a = 2; a <= 100; a++) {
      limiter.failed("10.0.0." + a);
      assertThat(limiter.size()).isLessThanOrEqualTo(4);
    }
    for (int i = 0; i < 3; i++) {
      limiter.failed("10.0.0.100");
    }
    assertThat(limiter.refusedFor("10.0.0.100")).as("the newest is kept").isPresent();
  }

  @Test
  void ipv6_addresses_count_by_their_64_prefix() {
    assertThat(SignInLimiter.key("2001:db8:1:2:aaaa::1"))
        .isEqualTo(SignInLimiter.key("[2001:db8:1:2:bbbb::9]"))
        .isEqualTo("2001:db8:1:2:0:0:0:0/64");
    assertThat(SignInLimiter.key("2001:db8:1:3::1"))
        .isNotEqualTo(SignInLimiter.key("2001:db8:1:2::1"));
    assertThat(SignInLimiter.key("127.0.0.1")).isEqualTo("127.0.0.1");
  }
}
