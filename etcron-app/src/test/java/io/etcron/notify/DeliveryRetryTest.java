package io.etcron.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliveryRetryTest {
  static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void pauses_double_up_to_the_max_then_stop_at_the_give_up_time() {
    DeliveryRetry b =
        new DeliveryRetry(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofHours(1));
    assertThat(b.next(1, T0, T0)).contains(T0.plusSeconds(10));
    assertThat(b.next(2, T0, T0)).contains(T0.plusSeconds(20));
    assertThat(b.next(3, T0, T0)).contains(T0.plusSeconds(40));
    assertThat(b.next(4, T0, T0)).contains(T0.plusSeconds(60));
    assertThat(b.next(1_000, T0, T0)).contains(T0.plusSeconds(60));
    assertThat(b.next(5, T0, T0.plus(Duration.ofMinutes(58))))
        .contains(T0.plus(Duration.ofMinutes(59)));
    assertThat(b.next(5, T0, T0.plus(Duration.ofMinutes(59).plusSeconds(1)))).isEmpty();
  }

  @Test
  void the_default_retries_for_at_least_an_hour() {
    assertThat(DeliveryRetry.DEFAULT.giveUpAfter()).isGreaterThanOrEqualTo(Duration.ofHours(1));
    assertThat(DeliveryRetry.DEFAULT.next(50, T0, T0.plus(Duration.ofMinutes(50)))).isPresent();
  }

  @Test
  void nonsense_is_refused() {
    assertThatThrownBy(
            () -> new DeliveryRetry(Duration.ZERO, Duration.ofSeconds(1), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new DeliveryRetry(
                    Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_signature_is_the_hmac_of_the_exact_bytes() {
    // RFC 4231 test case 2
    assertThat(Signature.of("Jefe".getBytes(), "what do ya want for nothing?".getBytes()))
        .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}
