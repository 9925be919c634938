package io.etcron.master;

import io.etcron.master.auth.TokenSource;
import io.etcron.master.auth.Tokens;
import io.etcron.run.RetentionPolicy;
import io.etcron.store.EtcdSettings;
import io.etcron.tls.TlsIdentity;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A master's settings. Immutable; each value is checked when the record is made ({@link
 * IllegalArgumentException} naming it), and {@link #validate()} checks the one rule that needs them
 * all: no job control on a public address without tokens.
 *
 * @param host address to bind (127.0.0.1 by default)
 * @param port port to listen on (0: any free port)
 * @param tokens bearer tokens (fixed, or a file re-read when it changes); required unless bound to
 *     loopback
 * @param tls the certificate and key of HTTPS; none: plain HTTP
 * @param etcd how the master reaches etcd: its key namespace and request timeout among them
 * @param retention how long runs are kept
 * @param clock the master's clock
 */
public record MasterSettings(
    String host,
    int port,
    TokenSource tokens,
    Optional<TlsIdentity> tls,
    EtcdSettings etcd,
    RetentionPolicy retention,
    Clock clock) {

  public static final int DEFAULT_PORT = 8080;

  public static final String DEFAULT_HOST = "127.0.0.1";

  public MasterSettings {
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(etcd, "etcd");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(clock, "clock");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("the bind address must not be empty, e.g. 127.0.0.1");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
    }
  }

  /** Loopback defaults: 127.0.0.1:8080, no tokens. */
  public static MasterSettings local(int port) {
    return new MasterSettings(
        DEFAULT_HOST,
        port,
        Tokens.none(),
        Optional.empty(),
        EtcdSettings.local(),
        RetentionPolicy.DEFAULT,
        Clock.systemUTC());
  }

  /** The etcd key namespace. */
  public String namespace() {
    return etcd.namespace();
  }

  /** The bound on each etcd request. */
  public Duration requestTimeout() {
    return etcd.requestTimeout();
  }

  public MasterSettings withEtcd(EtcdSettings e) {
    return new MasterSettings(host, port, tokens, tls, e, retention, clock);
  }

  public MasterSettings withTokens(TokenSource t) {
    return new MasterSettings(host, port, t, tls, etcd, retention, clock);
  }

  public MasterSettings withHost(String h) {
    return new MasterSettings(h, port, tokens, tls, etcd, retention, clock);
  }

  public MasterSettings withTls(Optional<TlsIdentity> t) {
    return new MasterSettings(host, port, tokens, t, etcd, retention, clock);
  }

  public MasterSettings withRetention(RetentionPolicy r) {
    return new MasterSettings(host, port, tokens, tls, etcd, r, clock);
  }

  /**
   * Checks the settings once.
   *
   * @throws IllegalArgumentException when the master would expose job control without tokens
   */
  public MasterSettings validate() {
    if (tokens.current().isEmpty() && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "the master would listen on "
              + host
              + " without tokens: anyone reaching it could run shell commands on"
              + " every worker. Add --token NAME:ROLE:SECRET (or ETCRON_TOKENS), or bind 127.0.0.1");
    }
    return this;
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve the bind address \"" + host + "\"");
    }
  }
}
