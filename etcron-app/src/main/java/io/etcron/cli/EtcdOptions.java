package io.etcron.cli;

import io.etcron.store.EtcdAccessCheck;
import io.etcron.store.EtcdSettings;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options that say how to reach etcd, shared by every command that talks to it. */
public final class EtcdOptions {
  @Option(
      names = "--etcd",
      paramLabel = "URLS",
      description =
          "etcd endpoints, comma-separated (env ETCRON_ETCD, default "
              + EtcdSettings.DEFAULT_ENDPOINTS
              + ").")
  String endpoints;

  @Option(
      names = "--etcd-user",
      paramLabel = "USER",
      description = "etcd user (env ETCRON_ETCD_USER).",
      defaultValue = "${env:ETCRON_ETCD_USER}")
  String user;

  @Option(
      names = "--etcd-password",
      paramLabel = "PASSWORD",
      description = "etcd password (env ETCRON_ETCD_PASSWORD; prefer the variable).",
      defaultValue = "${env:ETCRON_ETCD_PASSWORD}")
  String password;

  @Option(
      names = "--etcd-ca",
      paramLabel = "FILE",
      description = "PEM CA bundle for etcd's TLS certificate.")
  Path ca;

  @Option(
      names = "--etcd-cert",
      paramLabel = "FILE",
      description = "PEM client certificate for etcd.")
  Path cert;

  @Option(
      names = "--etcd-key",
      paramLabel = "FILE",
      description = "PEM (PKCS#8) key of the client certificate.")
  Path key;

  /** Whether --etcd was given on the command line or in the environment. */
  public boolean explicit() {
    return endpoints != null || System.getenv("ETCRON_ETCD") != null;
  }

  /** The endpoints asked for: the option, else $ETCRON_ETCD, else the local default. */
  public String endpoints() {
    if (endpoints != null) {
      return endpoints;
    }
    String env = System.getenv("ETCRON_ETCD");
    return env != null ? env : EtcdSettings.DEFAULT_ENDPOINTS;
  }

  /** The endpoints of the last settings made from options, for error messages. */
  private static volatile String lastEndpoints = EtcdSettings.DEFAULT_ENDPOINTS;

  /**
   * The etcd an error message should name: the endpoints of the last client this process made (a
   * standalone's local etcd included), else the last ones asked for.
   */
  static String endpointsInUse() {
    return EtcdSettings.lastConnected().orElse(lastEndpoints);
  }

  /** The key namespace. */
  String namespace() {
    return EtcdSettings.DEFAULT_NAMESPACE;
  }

  /**
   * Validated settings, checked against etcd when they name TLS files or a user (see {@link
   * EtcdAccessCheck}).
   */
  public EtcdSettings settings() {
    lastEndpoints = endpoints();
    EtcdSettings settings =
        EtcdSettings.of(
            endpoints(),
            Optional.ofNullable(user),
            Optional.ofNullable(password),
            Optional.ofNullable(ca),
            Optional.ofNullable(cert),
            Optional.ofNullable(key));
    EtcdAccessCheck.check(settings);
    return settings;
  }
}
