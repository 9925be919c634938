package io.etcron.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcron.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files as openssl writes them, read into a server identity, and the mistakes named. */
class TlsIdentityTest {
  @TempDir static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void make() throws Exception {
    certs = TestCertificates.make(dir);
  }

  @Test
  void reads_pkcs8_pkcs1_rsa_and_sec1_ec_keys() throws Exception {
    for (String name : new String[] {"server", "server-rsa", "server-ec"}) {
      TlsIdentity id = TlsIdentity.load(certs.file(name + ".pem"), certs.file(name + ".key"));
      KeyStore ks = id.keyStore();
      assertThat(ks.getKey("etcron", id.password().toCharArray())).as(name).isNotNull();
      assertThat(id.subject()).isEqualTo("CN=" + name);
    }
  }

  @Test
  void a_key_of_another_certificate_is_refused_naming_both_files() {
    assertThatThrownBy(
            () -> TlsIdentity.load(certs.file("server.pem"), certs.file("server-ec.key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("server-ec.key does not belong to the certificate")
        .hasMessageContaining("server.pem");
    assertThatThrownBy(
            () -> TlsIdentity.load(certs.file("server.pem"), certs.file("server-rsa.key")))
        .hasMessageContaining("does not belong");
  }

  @Test
  void missing_and_wrong_files_are_named() throws Exception {
    assertThatThrownBy(() -> TlsIdentity.load(dir.resolve("nope.pem"), certs.file("server.key")))
        .hasMessage(
            "cannot read the TLS certificate " + dir.resolve("nope.pem") + ": no such file");
    assertThatThrownBy(() -> TlsIdentity.load(certs.file("server.key"), certs.file("server.key")))
        .hasMessageContaining("holds no PEM certificate");
    assertThatThrownBy(() -> TlsIdentity.load(certs.file("server.pem"), certs.file("server.pem")))
        .hasMessageContaining("holds no PEM private key");
    Path garbage = dir.resolve("garbage.key");
    Files.writeString(garbage, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> TlsIdentity.load(certs.file("server.pem"), garbage))
        .hasMessageContaining("garbage.key holds a private key that is not RSA, EC or EdDSA");
  }

  @Test
  void a_ca_file_becomes_a_context_trusting_it() {
    assertThat(Pem.trusting(certs.file("ca.pem"), "the CA file").getProtocol()).isEqualTo("TLS");
    assertThatThrownBy(() -> Pem.trusting(certs.file("ca.key"), "the CA file"))
        .hasMessageContaining("holds no PEM certificate");
  }
}
