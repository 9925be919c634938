package io.etcron.etcd;

import java.nio.file.Path;
import java.util.List;

/** The {@code etcd} binary was not found; the message says how to install it. */
public final class EtcdNotInstalledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  EtcdNotInstalledException(List<Path> searched) {
    super(
        "the etcd binary was not found (looked at "
            + searched
            + " and on PATH). Install it with `sudo apt-get install -y etcd-server`"
            + " (Debian/Ubuntu), or set ETCD_BIN to its path.");
  }
}
