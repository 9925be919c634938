package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.etcron.store.EtcdSettings;
import org.junit.jupiter.api.Test;

class EtcdOptionsTest {
  @Test
  void error_messages_name_the_etcd_a_client_was_made_for_not_the_default() {
    // A standalone's own etcd on another port is connected to without any --etcd option.
    try (Client c = EtcdSettings.of("http://127.0.0.1:28095").connect()) {
      assertThat(EtcdOptions.endpointsInUse()).isEqualTo("http://127.0.0.1:28095");
    }
  }
}
