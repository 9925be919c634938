package io.etcron.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A server's TLS identity: its certificate chain and the private key that goes with it, read from
 * PEM files and checked once: both files readable, the key the certificate's. Immutable after
 * {@link #load}; the key store it hands out is made fresh for each caller.
 */
public final class TlsIdentity {
  private static final String ALIAS = "etcron";

  private final Path certFile;
  private final List<X509Certificate> chain;
  private final PrivateKey key;
  private final char[] password;

  private TlsIdentity(Path certFile, List<X509Certificate> chain, PrivateKey key) {
    this.certFile = certFile;
    this.chain = List.copyOf(chain);
    this.key = key;
    // The key store lives in memory only; its password just satisfies the API.
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    this.password = HexFormat.of().formatHex(random).toCharArray();
  }

  /**
   * Reads and checks the certificate chain in {@code certFile} and the key in {@code keyFile}.
   *
   * @throws IllegalArgumentException naming the file at fault: unreadable, not PEM, no certificate
   *     or key, or a key that does not belong to the certificate
   */
  public static TlsIdentity load(Path certFile, Path keyFile) {
    List<X509Certificate> chain = Pem.certificates(certFile, "the TLS certificate");
    PrivateKey key = Pem.privateKey(keyFile, "the TLS key");
    if (!belongs(key, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException(
          "the TLS key "
              + keyFile
              + " does not belong to the certificate "
              + certFile
              + " ("
              + chain.get(0).getSubjectX500Principal().getName()
              + "): give the key the certificate was made for");
    }
    return new TlsIdentity(certFile, chain, key);
  }

  /** Whether {@code key} signs what {@code certKey} verifies. */
  private static boolean belongs(PrivateKey key, PublicKey certKey) {
    if (!key.getAlgorithm().equals(certKey.getAlgorithm())) {
      return false;
    }
    Optional<String> algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> Optional.of("SHA256withRSA");
          case "EC" -> Optional.of("SHA256withECDSA");
          case "Ed25519", "Ed448", "EdDSA" -> Optional.of(key.getAlgorithm());
          default -> Optional.empty();
        };
    if (algorithm.isEmpty()) {
      return true; // nothing to test it with here; the TLS handshake will
    }
    try {
      byte[] probe = "etcron".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm.get());
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm.get());
      verify.initVerify(certKey);
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A new in-memory key store holding the key and chain, opened with {@link #password()}. */
  public KeyStore keyStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(ALIAS, key, password, chain.toArray(Certificate[]::new));
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot hold the TLS key in memory: " + e, e);
    }
  }

  /** The password of {@link #keyStore()}'s store and key. */
  public String password() {
    return new String(password);
  }

  /** The server certificate's subject, e.g. {@code CN=etcron.example.com}, for logs. */
  public String subject() {
    return chain.get(0).getSubjectX500Principal().getName();
  }

  /** The certificate file, for logs. */
  public Path certFile() {
    return certFile;
  }
}
