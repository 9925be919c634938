package io.etcron.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ports on 127.0.0.1 that nothing listens on right now, picked by the kernel, for the processes
 * etcron starts itself (a local etcd, a training run, the tests' and benchmarks' servers). Another
 * process may take one before it is used; the callers start on it at once.
 */
public final class LoopbackPorts {
  private static final int ATTEMPTS = 50;

  private LoopbackPorts() {}

  /** One free port. */
  public static int free() {
    return free(1)[0];
  }

  /** {@code n} distinct free ports, all held open together while they are picked. */
  public static int[] free(int n) {
    ServerSocket[] sockets = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket s : sockets) {
        closeQuietly(s);
      }
    }
  }

  /**
   * A free port whose successor is free too: the client and peer ports of an etcd started with
   * {@code --etcd-port}.
   */
  public static int freeWithNext() {
    for (int i = 0; i < ATTEMPTS; i++) {
      int p = free();
      try (ServerSocket next = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no two consecutive free ports on 127.0.0.1");
  }

  private static void closeQuietly(ServerSocket s) {
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException ignored) {
      // it was only held to keep the port from being picked twice
    }
  }
}
