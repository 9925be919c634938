package io.etcron.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * How to reach etcd: endpoints, optional user/password and TLS (CA, client certificate), timeouts
 * and the key namespace. Validated once by {@link #of}; immutable.
 *
 * @param endpoints client URLs, e.g. {@code http://127.0.0.1:2379}
 * @param user etcd user, when etcd auth is on
 * @param password the user's password
 * @param caFile PEM CA bundle that signed etcd's server certificate (TLS)
 * @param certFile PEM client certificate (TLS client auth)
 * @param keyFile PEM PKCS#8 private key of the client certificate
 * @param requestTimeout bound on each request
 * @param namespace key prefix, e.g. {@code /etcron/}
 */
public record EtcdSettings(
    List<URI> endpoints,
    Optional<String> user,
    Optional<String> password,
    Optional<Path> caFile,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    Duration requestTimeout,
    String namespace) {

  public EtcdSettings {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException(
          "etcd: no endpoint given (e.g. " + DEFAULT_ENDPOINTS + ")");
    }
    if (namespace == null || !namespace.startsWith("/") || !namespace.endsWith("/")) {
      throw new IllegalArgumentException(
          "namespace \"" + namespace + "\" must start and end with /, e.g. /etcron/");
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "the etcd request timeout must be positive, not " + requestTimeout);
    }
  }

  /** Settings of the local etcd at {@link #DEFAULT_ENDPOINTS}, every other value at its default. */
  public static EtcdSettings local() {
    return of(DEFAULT_ENDPOINTS);
  }

  /** Default endpoint of a local etcd. */
  public static final String DEFAULT_ENDPOINTS = "http://127.0.0.1:2379";

  /** Default key namespace. */
  public static final String DEFAULT_NAMESPACE = "/etcron/";

  /** Default bound on each request. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** Settings for comma-separated {@code endpoints} with the defaults for everything else. */
  public static EtcdSettings of(String endpoints) {
    return of(
        endpoints,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * Validates and builds settings.
   *
   * @throws IllegalArgumentException naming the bad setting
   */
  public static EtcdSettings of(
      String endpoints,
      Optional<String> user,
      Optional<String> password,
      Optional<Path> caFile,
      Optional<Path> certFile,
      Optional<Path> keyFile) {
    List<URI> uris =
        Arrays.stream(endpoints.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(EtcdSettings::endpoint)
            .toList();
    if (user.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException(
          "etcd: a user needs a password and a password needs a user");
    }
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException(
          "etcd: a client certificate needs its key, and a key its certificate");
    }
    for (Optional<Path> f : List.of(caFile, certFile, keyFile)) {
      if (f.isPresent() && !Files.isReadable(f.get())) {
        throw new IllegalArgumentException("etcd: cannot read " + f.get());
      }
    }
    return new EtcdSettings(
        uris,
        user,
        password,
        caFile,
        certFile,
        keyFile,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_NAMESPACE);
  }

  private static URI endpoint(String s) {
    String withScheme = s.contains("://") ? s : "http://" + s;
    URI uri;
    try {
      uri = URI.create(withScheme);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "etcd: \"" + s + "\" is not a URL like " + DEFAULT_ENDPOINTS);
    }
    if (uri.getHost() == null
        || uri.getPort() < 1
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException(
          "etcd: \""
              + s
              + "\" is not a URL like "
              + DEFAULT_ENDPOINTS
              + " (scheme, host and port)");
    }
    return uri;
  }

  /** The endpoints as a comma-separated string, for messages. */
  public String endpointList() {
    return String.join(",", endpoints.stream().map(URI::toString).toList());
  }

  /**
   * The endpoints of the last client made by {@link #connect()} in this process, for error messages
   * that must name the etcd actually used (e.g. a local etcd on another port).
   */
  public static Optional<String> lastConnected() {
    return Optional.ofNullable(lastConnected);
  }

  private static volatile String lastConnected;

  /** A new jetcd client for these settings. The caller closes it. Does not connect yet. */
  public Client connect() {
    lastConnected = endpointList();
    ClientBuilder builder =
        Client.builder()
            .endpoints(endpoints.toArray(URI[]::new))
            .connectTimeout(Duration.ofSeconds(3));
    user.ifPresent(u -> builder.user(ByteSequence.from(u, StandardCharsets.UTF_8)));
    password.ifPresent(p -> builder.password(ByteSequence.from(p, StandardCharsets.UTF_8)));
    if (caFile.isPresent() || certFile.isPresent()) {
      try {
        builder.sslContext(
            ssl -> {
              caFile.ifPresent(ca -> ssl.trustManager(ca.toFile()));
              if (certFile.isPresent()) {
                ssl.keyManager(certFile.get().toFile(), keyFile.orElseThrow().toFile());
              }
            });
      } catch (SSLException e) {
        throw new IllegalArgumentException("etcd: invalid TLS files: " + e.getMessage(), e);
      }
    }
    return builder.build();
  }

  /** The same settings with another request timeout. */
  public EtcdSettings withRequestTimeout(Duration timeout) {
    return new EtcdSettings(
        endpoints, user, password, caFile, certFile, keyFile, timeout, namespace);
  }

  /** The same settings with another namespace ({@code /name/}). */
  public EtcdSettings withNamespace(String ns) {
    return new EtcdSettings(
        endpoints, user, password, caFile, certFile, keyFile, requestTimeout, ns);
  }
}
