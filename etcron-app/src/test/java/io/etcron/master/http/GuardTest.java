package io.etcron.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GuardTest {
  @Test
  void loopback_names_and_addresses_are_recognised_without_asking_dns() {
    for (String h :
        new String[] {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "a.localhost", "::1"}) {
      assertThat(Guard.isLoopback(h)).as(h).isTrue();
    }
    for (String h :
        new String[] {
          "evil.example", "127.0.0.1.evil.example", "10.0.0.1", "0.0.0.0", "", "localhost.evil"
        }) {
      assertThat(Guard.isLoopback(h)).as(h).isFalse();
    }
  }

  @Test
  void the_host_of_an_authority_is_found_with_or_without_port() {
    assertThat(Guard.authorityHost("127.0.0.1:8080")).isEqualTo("127.0.0.1");
    assertThat(Guard.authorityHost("localhost")).isEqualTo("localhost");
    assertThat(Guard.authorityHost("[::1]:8080")).isEqualTo("::1");
    assertThat(Guard.authorityHost("[::1]")).isEqualTo("::1");
  }
}
