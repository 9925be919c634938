package io.etcron.etcd;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the etcd executable: {@code $ETCD_BIN}, then {@code /usr/bin/etcd}, then the PATH. */
public final class EtcdBinary {
  private EtcdBinary() {}

  /**
   * Returns the etcd executable.
   *
   * @throws EtcdNotInstalledException when none is found, naming the package to install
   */
  public static Path locate() {
    List<Path> searched = new ArrayList<>();
    String fromEnv = System.getenv("ETCD_BIN");
    if (fromEnv != null && !fromEnv.isBlank()) {
      searched.add(Path.of(fromEnv));
    }
    searched.add(Path.of("/usr/bin/etcd"));
    for (Path candidate : searched) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "etcd"))) {
        return Path.of(dir, "etcd");
      }
    }
    throw new EtcdNotInstalledException(searched);
  }

  /** Whether an etcd executable can be found. */
  public static boolean isInstalled() {
    try {
      locate();
      return true;
    } catch (EtcdNotInstalledException e) {
      return false;
    }
  }
}
