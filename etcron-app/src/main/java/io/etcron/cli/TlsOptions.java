package io.etcron.cli;

import io.etcron.tls.TlsIdentity;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --tls-cert} and {@code --tls-key}: the master serves HTTPS (HTTP/2 and HTTP/1.1). */
public final class TlsOptions {
  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "Serve HTTPS (HTTP/2 and HTTP/1.1) with this PEM certificate chain, the server's own"
              + " certificate first (env ETCRON_TLS_CERT).")
  Path cert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description =
          "The PEM private key of --tls-cert: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted (env"
              + " ETCRON_TLS_KEY).")
  Path key;

  /**
   * The identity to serve, read and checked now.
   *
   * @throws IllegalArgumentException naming the option or file at fault
   */
  Optional<TlsIdentity> identity() {
    if (cert == null && key == null) {
      return Optional.empty();
    }
    if (cert == null || key == null) {
      throw new IllegalArgumentException(
          cert == null
              ? "--tls-key needs --tls-cert, the certificate it belongs to"
              : "--tls-cert needs --tls-key, the certificate's private key");
    }
    return Optional.of(TlsIdentity.load(cert, key));
  }
}
