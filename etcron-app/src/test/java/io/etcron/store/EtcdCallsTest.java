package io.etcron.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.lock.EtcdUnavailableException;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class EtcdCallsTest {
  @Test
  void a_message_over_the_size_limit_is_a_refused_request_not_an_outage() {
    RuntimeException e =
        EtcdCalls.failure(
            new CompletionException(
                Status.RESOURCE_EXHAUSTED
                    .withDescription("gRPC message exceeds maximum size 4194304: 21867024")
                    .asRuntimeException()),
            "list jobs");
    assertThat(e)
        .isInstanceOf(EtcdRequestException.class)
        .isNotInstanceOf(EtcdUnavailableException.class);
    assertThat(((EtcdRequestException) e).tooLarge()).isTrue();
    assertThat(e.getMessage())
        .contains("refused to list jobs")
        .contains("RESOURCE_EXHAUSTED")
        .doesNotContain("unreachable");
  }

  @Test
  void a_compacted_revision_is_a_refused_request() {
    RuntimeException e =
        EtcdCalls.failure(
            Status.OUT_OF_RANGE
                .withDescription("etcdserver: mvcc: required revision has been compacted")
                .asRuntimeException(),
            "list /etcron/jobs/");
    assertThat(e)
        .isInstanceOfSatisfying(
            EtcdRequestException.class, r -> assertThat(r.compacted()).isTrue());
  }

  @Test
  void an_unavailable_etcd_is_an_outage() {
    RuntimeException e =
        EtcdCalls.failure(
            Status.UNAVAILABLE.withDescription("io exception").asRuntimeException(), "read job a");
    assertThat(e).isInstanceOf(EtcdUnavailableException.class);
    assertThat(e.getMessage()).contains("read job a");
  }
}
