package io.etcron.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Checks, before a server starts, that etcd accepts its TLS files and its user: one TLS handshake
 * per {@code https} endpoint with the configured CA and client certificate, and one keys-only read
 * of the namespace as the configured user. A refusal (untrusted certificate, missing client
 * certificate, wrong password, no permission on the namespace) becomes an error that says what to
 * fix; an etcd that is only down or slow passes, so the servers' own retries still apply. Blocks
 * for at most a few request timeouts; stateless and thread-safe.
 */
public final class EtcdAccessCheck {
  private EtcdAccessCheck() {}

  /**
   * Checks {@code settings} against the running etcd.
   *
   * @throws IllegalArgumentException when etcd refuses the TLS files or the user
   */
  public static void check(EtcdSettings settings) {
    if (settings.caFile().isPresent() || settings.certFile().isPresent()) {
      for (URI endpoint : settings.endpoints()) {
        if (endpoint.getScheme().equals("https")) {
          handshake(settings, endpoint);
        }
      }
    }
    if (settings.user().isPresent()) {
      readNamespace(settings);
    }
  }

  private static void handshake(EtcdSettings settings, URI endpoint) {
    SSLContext context = context(settings);
    int timeout = (int) settings.requestTimeout().toMillis();
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      try {
        socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), timeout);
      } catch (IOException down) {
        return; // not a TLS problem: reported, and retried, by the server itself
      }
      socket.setSoTimeout(timeout);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // as gRPC does
      socket.setSSLParameters(parameters);
      // With TLS 1.3 etcd judges the client certificate after the handshake: a request makes its
      // verdict (an answer or an alert) arrive at once.
      socket.startHandshake();
      socket
          .getOutputStream()
          .write(
              ("GET /health HTTP/1.1\r\nHost: "
                      + endpoint.getHost()
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      socket.getInputStream().read();
    } catch (SocketTimeoutException slow) {
      // no verdict in time: not a refusal
    } catch (IOException e) {
      // etcd accepted the connection, then broke off the handshake or the request
      throw new IllegalArgumentException(tlsProblem(settings, endpoint, e));
    }
  }

  private static String tlsProblem(EtcdSettings settings, URI endpoint, IOException e) {
    // The JDK's reasons name its exception classes; keep the words for people.
    String reason =
        String.valueOf(e.getMessage()).replaceAll("[a-z][\\w.$]*\\.[A-Z]\\w*Exception: ", "");
    String hint;
    if (reason.contains("PKIX") || reason.contains("certification path")) {
      hint =
          "etcd's certificate is not signed by "
              + settings.caFile().map(p -> "the CA in --etcd-ca " + p).orElse("a trusted CA")
              + " (give the CA that signed it)";
    } else if (reason.contains("subject alternative") || reason.contains("No name matching")) {
      hint = "etcd's certificate is not made out to " + endpoint.getHost();
    } else if (settings.certFile().isEmpty()) {
      hint = "etcd asks for a client certificate: give --etcd-cert and --etcd-key";
    } else {
      hint =
          "etcd refused the client certificate "
              + settings.certFile().get()
              + " (it must be signed by a CA that etcd trusts, for client authentication)";
    }
    return "etcd at " + endpoint + ": TLS handshake failed: " + hint + " [" + reason + "]";
  }

  private static void readNamespace(EtcdSettings settings) {
    String user = settings.user().orElseThrow();
    try (Client client = settings.connect()) {
      client
          .getKVClient()
          .get(
              ByteSequence.from(settings.namespace(), StandardCharsets.UTF_8),
              GetOption.builder().isPrefix(true).withKeysOnly(true).withLimit(1).build())
          .get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException slow) {
      // not a refusal: reported, and retried, by the server itself
    } catch (ExecutionException e) {
      Status.Code code = Status.fromThrowable(e.getCause()).getCode();
      String where = "etcd at " + settings.endpointList() + ": ";
      if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.INVALID_ARGUMENT) {
        throw new IllegalArgumentException(
            where
                + "authentication failed for user "
                + user
                + ": wrong user or password (--etcd-user, ETCRON_ETCD_PASSWORD)");
      }
      if (code == Status.Code.PERMISSION_DENIED) {
        throw new IllegalArgumentException(
            where
                + "user "
                + user
                + " may not read "
                + settings.namespace()
                + ": grant its role readwrite on the prefix "
                + settings.namespace());
      }
    }
  }

  private static SSLContext context(EtcdSettings settings) {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (settings.caFile().isPresent()) {
        KeyStore cas = KeyStore.getInstance(KeyStore.getDefaultType());
        cas.load(null, null);
        int i = 0;
        for (Certificate ca : certificates(settings.caFile().get())) {
          cas.setCertificateEntry("ca" + i++, ca);
        }
        trust.init(cas);
      } else {
        trust.init((KeyStore) null);
      }
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
      own.load(null, null);
      if (settings.certFile().isPresent()) {
        own.setKeyEntry(
            "client",
            privateKey(settings.keyFile().orElseThrow()),
            new char[0],
            certificates(settings.certFile().get()).toArray(Certificate[]::new));
      }
      keys.init(own, new char[0]);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("etcd: invalid TLS files: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(Path pem)
      throws IOException, GeneralSecurityException {
    try (var in = Files.newInputStream(pem)) {
      var all = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (all.isEmpty()) {
        throw new IllegalArgumentException("etcd: no certificate in " + pem);
      }
      return all;
    }
  }

  /** A PEM PKCS#8 key ("BEGIN PRIVATE KEY"), RSA or EC. */
  private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException(
          "etcd: "
              + pem
              + " is not a PEM PKCS#8 key (BEGIN PRIVATE KEY); convert it with"
              + " openssl pkcs8 -topk8 -nocrypt");
    }
    String base64 =
        text.replaceAll("(?s).*-----BEGIN PRIVATE KEY-----", "")
            .replaceAll("(?s)-----END PRIVATE KEY-----.*", "")
            .replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }
}
