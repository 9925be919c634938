package io.etcron.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcron.master.auth.Tokens;
import io.etcron.run.InMemoryRunStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.TestCertificates;
import io.etcron.tls.Pem;
import io.etcron.tls.TlsIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master over HTTPS, with certificates openssl makes at run time: HTTP/2 and HTTP/1.1 by ALPN,
 * the web UI's same-origin writes accepted, and a client that does not trust the CA refused in the
 * handshake.
 */
class MasterTlsIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir static Path dir;

  static final String ADMIN = "admin-secret-0123456789";
  static TestCertificates certs;
  static Master withTokens;
  static Master loopback;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.make(dir);
    Optional<TlsIdentity> tls =
        Optional.of(TlsIdentity.load(certs.file("server.pem"), certs.file("server.key")));
    withTokens =
        Master.start(
            MasterSettings.local(0)
                .withTls(tls)
                .withTokens(Tokens.parse(List.of("alice:admin:" + ADMIN))),
            etcd.client(),
            new InMemoryRunStore(),
            () -> "");
    Optional<TlsIdentity> rsa =
        Optional.of(TlsIdentity.load(certs.file("server-rsa.pem"), certs.file("server-rsa.key")));
    loopback =
        Master.start(
            MasterSettings.local(0).withTls(rsa),
            etcd.newClient(),
            new InMemoryRunStore(),
            () -> "");
  }

  @AfterAll
  static void stop() {
    withTokens.close();
    loopback.close();
  }

  static HttpClient trusting(HttpClient.Version version) {
    return HttpClient.newBuilder()
        .version(version)
        .connectTimeout(Duration.ofSeconds(5))
        .sslContext(Pem.trusting(certs.file("ca.pem"), "the CA"))
        .build();
  }

  static HttpRequest.Builder request(Master m, String path) {
    return HttpRequest.newBuilder(URI.create(m.url() + path.substring(1)))
        .timeout(Duration.ofSeconds(20));
  }

  @Test
  void the_url_says_https() {
    assertThat(withTokens.url()).isEqualTo("https://127.0.0.1:" + withTokens.port() + "/");
  }

  @Test
  void answers_over_http2_and_http1_as_the_client_offers() throws Exception {
    for (HttpClient.Version version : HttpClient.Version.values()) {
      HttpResponse<String> r =
          trusting(version)
              .send(
                  request(withTokens, "/api/v1/me")
                      .header("Authorization", "Bearer " + ADMIN)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.version()).isEqualTo(version);
      assertThat(r.body()).contains("alice");
    }
  }

  @Test
  void the_ui_s_own_https_origin_may_write_another_may_not() throws Exception {
    for (Master m : List.of(withTokens, loopback)) {
      String origin = m.url().substring(0, m.url().length() - 1);
      for (HttpClient.Version version : HttpClient.Version.values()) {
        String job = "tls-" + m.port() + "-" + version.name().toLowerCase().replace('_', '-');
        HttpResponse<String> own = put(m, version, job, origin);
        assertThat(own.statusCode()).as(version + " " + own.body()).isEqualTo(201);
        assertThat(own.version()).isEqualTo(version);
        HttpResponse<String> other = put(m, version, job, "https://evil.example");
        assertThat(other.statusCode()).as(version + " " + other.body()).isEqualTo(403);
        assertThat(other.body()).contains("cross_origin_refused");
        HttpResponse<String> plain = put(m, version, job, origin.replace("https:", "http:"));
        assertThat(plain.statusCode()).as("an http page is another origin").isEqualTo(403);
      }
    }
  }

  private static HttpResponse<String> put(
      Master m, HttpClient.Version version, String job, String origin) throws Exception {
    return trusting(version)
        .send(
            request(m, "/api/v1/jobs/" + job)
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .header("Origin", origin)
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"schedule\":\"@every 1h\",\"command\":\"true\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void a_loopback_master_answers_its_own_address_over_http2() throws Exception {
    HttpResponse<String> r =
        trusting(HttpClient.Version.HTTP_2)
            .send(request(loopback, "/api/v1/me").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
  }

  @Test
  void a_client_that_does_not_trust_the_ca_fails_the_handshake() {
    HttpClient system = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(
            () ->
                system.send(
                    request(withTokens, "/healthz").build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
    HttpClient other =
        HttpClient.newBuilder()
            .sslContext(Pem.trusting(certs.file("other-ca.pem"), "the CA"))
            .build();
    assertThatThrownBy(
            () ->
                other.send(
                    request(withTokens, "/healthz").build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }
}
