package io.etcron.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** jetcd failures are classified by their gRPC status code, never by message text. */
class EtcdTest {

  @Test
  void lease_not_found_means_the_session_is_lost_whatever_the_message() {
    var error = EtcdExceptionFactory.newEtcdException(ErrorCode.NOT_FOUND, "something else");
    assertThat(Etcd.leaseNotFound(new CompletionException(error))).isTrue();
    assertThat(Etcd.failure(error, "lock x")).isInstanceOf(SessionLostException.class);
  }

  @Test
  void a_message_mentioning_a_lease_is_not_a_lost_lease() {
    var error =
        EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "requested lease not found");
    assertThat(Etcd.leaseNotFound(error)).isFalse();
    assertThat(Etcd.failure(error, "lock x")).isInstanceOf(EtcdUnavailableException.class);
  }

  @Test
  void timeouts_and_broken_connections_leave_the_outcome_unknown() {
    assertThat(Etcd.outcomeUnknown(new TimeoutException())).isTrue();
    for (ErrorCode code :
        new ErrorCode[] {ErrorCode.DEADLINE_EXCEEDED, ErrorCode.UNAVAILABLE, ErrorCode.CANCELLED}) {
      assertThat(Etcd.outcomeUnknown(EtcdExceptionFactory.newEtcdException(code, "x")))
          .as(code.name())
          .isTrue();
    }
  }

  @Test
  void refusals_are_definite_and_say_which_status() {
    var error =
        EtcdExceptionFactory.newEtcdException(ErrorCode.RESOURCE_EXHAUSTED, "too many operations");
    assertThat(Etcd.outcomeUnknown(error)).isFalse();
    RuntimeException mapped = Etcd.failure(error, "lock x");
    assertThat(mapped)
        .isExactlyInstanceOf(LockException.class)
        .hasMessageContaining("RESOURCE_EXHAUSTED")
        .hasMessageContaining("lock x");
  }
}
