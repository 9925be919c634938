package io.etcron.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ports on 127.0.0.1 that nothing listens on right now, for the processes etcron starts itself (a
 * local etcd, a training run, the tests' and benchmarks' servers). Another process may take one
 * before it is used; the callers start on it at once.
 *
 * <p>By default the kernel picks them (from its ephemeral range). With the system property {@value
 * #SLICE} set to k (1 to 6), they come from a slice of their own, below the kernel's range, in turn
 * and never twice in a while: test JVMs run side by side with different slices, so that one cannot
 * pick a port another picked a moment before and has not bound yet.
 */
public final class LoopbackPorts {
  private static final int ATTEMPTS = 50;

  /** The system property naming this JVM's slice of ports. */
  public static final String SLICE = "etcron.ports.slice";

  private static final int SLICE_BASE = 20_000;
  private static final int SLICE_SIZE = 2_000;
  private static final int SLICES = 6;

  /** The next candidate in this JVM's slice, as an offset into it. */
  private static int next = -1;

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
        sockets[i] = open();
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
    boolean sliced = !System.getProperty(SLICE, "").isBlank();
    for (int i = 0; i < ATTEMPTS; i++) {
      if (sliced) {
        // Taken in turn, so the successor is never handed out after it.
        int[] two = free(2);
        if (two[1] == two[0] + 1) {
          return two[0];
        }
        continue;
      }
      int p = free();
      try (ServerSocket successor = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no two consecutive free ports on 127.0.0.1");
  }

  /** A socket listening on a free port: the kernel's pick, or the next free one of the slice. */
  private static ServerSocket open() throws IOException {
    String slice = System.getProperty(SLICE, "");
    if (slice.isBlank()) {
      return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }
    int k;
    try {
      k = Integer.parseInt(slice.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(SLICE + " must be a number from 1 to " + SLICES, e);
    }
    if (k < 1 || k > SLICES) {
      throw new IllegalArgumentException(SLICE + " must be from 1 to " + SLICES + ", not " + k);
    }
    synchronized (LoopbackPorts.class) {
      if (next < 0) {
        next = (int) (ProcessHandle.current().pid() % SLICE_SIZE);
      }
      for (int i = 0; i < SLICE_SIZE; i++) {
        int port = SLICE_BASE + (k - 1) * SLICE_SIZE + next;
        next = (next + 1) % SLICE_SIZE;
        try {
          return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        } catch (IOException taken) {
          // in use: the next one
        }
      }
    }
    throw new IOException("no free port in slice " + k + " of 127.0.0.1");
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
