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

  @Test
  void an_origin_is_this_master_when_host_and_port_match_and_it_is_no_http_page_for_https() {
    assertThat(Guard.sameOrigin("https://127.0.0.1:8443", "https", "127.0.0.1:8443")).isTrue();
    assertThat(Guard.sameOrigin("http://127.0.0.1:8080", "http", "127.0.0.1:8080")).isTrue();
    assertThat(Guard.sameOrigin("https://etcron.example", "https", "etcron.example:443")).isTrue();
    // An https page for an http master: a proxy in front ends TLS and keeps the Host.
    assertThat(Guard.sameOrigin("https://etcron.example", "http", "etcron.example")).isTrue();
    assertThat(Guard.sameOrigin("http://127.0.0.1:8443", "https", "127.0.0.1:8443")).isFalse();
    assertThat(Guard.sameOrigin("https://127.0.0.1:9999", "https", "127.0.0.1:8443")).isFalse();
    assertThat(Guard.sameOrigin("https://evil.example", "https", "127.0.0.1:8443")).isFalse();
    assertThat(Guard.sameOrigin("null", "https", "127.0.0.1:8443")).isFalse();
    assertThat(Guard.sameOrigin("https://127.0.0.1:8443", "https", "")).isFalse();
  }
}
