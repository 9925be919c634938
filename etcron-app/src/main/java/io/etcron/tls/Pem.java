package io.etcron.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads PEM certificates and private keys. Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}, what
 * {@code openssl genpkey} and {@code openssl req -nodes} write), PKCS#1 RSA ({@code BEGIN RSA
 * PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}, what {@code openssl ecparam -genkey}
 * writes); encrypted keys are refused with the command that decrypts them. Every failure is an
 * {@link IllegalArgumentException} whose message names the file and what to do. Stateless.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private Pem() {}

  /** The certificates in {@code file}, in order (a server's own certificate first). */
  public static List<X509Certificate> certificates(Path file, String what) {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(file, what)) {
        if (b.type().equals("CERTIFICATE")) {
          certs.add(
              (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          what + " " + file + " holds a certificate that is not valid X.509: " + e.getMessage());
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(
          what + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certs;
  }

  /** The private key in {@code file}. */
  public static PrivateKey privateKey(Path file, String what) {
    for (Block b : blocks(file, what)) {
      switch (b.type()) {
        case "PRIVATE KEY":
          return pkcs8(b.der(), file, what);
        case "RSA PRIVATE KEY":
          return pkcs8(Der.rsaToPkcs8(b.der()), file, what);
        case "EC PRIVATE KEY":
          try {
            return pkcs8(Der.ecToPkcs8(b.der(), file + ""), file, what);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                what + " " + file + " holds an EC key etcron cannot read: " + e.getMessage());
          }
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(
              what
                  + " "
                  + file
                  + " is encrypted; etcron reads unencrypted keys (protect the file with chmod"
                  + " 600): openssl pkey -in FILE -out FILE.plain");
        default:
          // EC PARAMETERS and the like come before the key: skip them
      }
    }
    throw new IllegalArgumentException(
        what + " " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /**
   * An SSL context that trusts the certificates in {@code caFile} and nothing else.
   *
   * @throws IllegalArgumentException naming the file when it holds no usable certificate
   */
  public static SSLContext trusting(Path caFile, String what) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates(caFile, what)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS trust in " + caFile + ": " + e, e);
    }
  }

  private static PrivateKey pkcs8(byte[] der, Path file, String what) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(
        what + " " + file + " holds a private key that is not RSA, EC or EdDSA, or is damaged");
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(Path file, String what) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + what + " " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(
          "cannot read " + what + " " + file + ": permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + what + " " + file + ": " + e.getMessage());
    }
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String body = m.group(2);
      if (body.contains(":")) {
        // Proc-Type/DEK-Info headers: a key encrypted the traditional way
        throw new IllegalArgumentException(
            what
                + " "
                + file
                + " is encrypted; etcron reads unencrypted keys:"
                + " openssl pkey -in FILE -out FILE.plain");
      }
      try {
        blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            what + " " + file + " is not valid PEM: its " + m.group(1) + " is not base64");
      }
    }
    return blocks;
  }
}
