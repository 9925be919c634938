package io.etcron.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of one target port, whose behaviour a test switches at any
 * moment, for faults that a real server cannot be made to show on its own: answers that arrive
 * after the client gave up, a silent network, a slow link.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.to(etcdPort)) {
 *   Client client = Client.builder().endpoints(proxy.url()).build();
 *   proxy.holdAnswers();   // requests reach etcd, its answers wait here
 *   ...
 *   proxy.pass();          // the held answers are delivered, in order, then traffic flows
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #pass()}: bytes flow both ways (held bytes first);
 *   <li>{@link #holdAnswers()}: requests flow to the target, the target's answers are kept (in
 *       order, at most {@link #MAX_QUEUED_CHUNKS} chunks per connection, then the target is read no
 *       further) until the mode changes;
 *   <li>{@link #drop()}: bytes in either direction are read and thrown away (connections stay open,
 *       as behind a black-holing firewall);
 *   <li>{@link #delay(Duration)}: every chunk is delivered that long after it arrived.
 * </ul>
 *
 * <p>Each connection uses four daemon threads; {@link #close()} closes every socket and ends them.
 * Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
  /** Chunks queued per direction of a connection before reading stops (of up to 16 KiB each). */
  public static final int MAX_QUEUED_CHUNKS = 1024;

  private enum Mode {
    PASS,
    HOLD_ANSWERS,
    DROP,
    DELAY
  }

  private final int targetPort;
  private final ServerSocket server;
  private final List<Socket> sockets = new ArrayList<>();
  private final AtomicLong heldChunks = new AtomicLong();
  private Mode mode = Mode.PASS;
  private Duration delay = Duration.ZERO;
  private boolean closed;

  private TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    daemon("tcp-proxy-accept-" + server.getLocalPort(), this::acceptLoop).start();
  }

  /** Starts a proxy on a free 127.0.0.1 port in front of {@code 127.0.0.1:targetPort}. */
  public static TcpProxy to(int targetPort) throws IOException {
    return new TcpProxy(targetPort);
  }

  /** The port the proxy listens on. */
  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port>}, for clients that take URLs (such as jetcd). */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Lets bytes flow both ways, delivering held answers first. */
  public synchronized void pass() {
    setMode(Mode.PASS, Duration.ZERO);
  }

  /** Forwards requests, keeps the target's answers until the mode changes. */
  public synchronized void holdAnswers() {
    setMode(Mode.HOLD_ANSWERS, Duration.ZERO);
  }

  /** Reads and discards bytes in both directions. */
  public synchronized void drop() {
    setMode(Mode.DROP, Duration.ZERO);
  }

  /** Delivers each chunk {@code delay} after it arrived, both ways. */
  public synchronized void delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    setMode(Mode.DELAY, delay);
  }

  /** Answer chunks held right now (in {@link #holdAnswers()} mode). */
  public long heldChunks() {
    return heldChunks.get();
  }

  private void setMode(Mode mode, Duration delay) {
    this.mode = mode;
    this.delay = delay;
    notifyAll();
  }

  @Override
  public void close() {
    List<Socket> open;
    synchronized (this) {
      closed = true;
      notifyAll();
      open = new ArrayList<>(sockets);
      sockets.clear();
    }
    quietly(server);
    open.forEach(TcpProxy::quietly);
  }

  private void acceptLoop() {
    while (true) {
      Socket downstream;
      Socket upstream;
      try {
        downstream = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      } catch (IOException e) {
        quietly(downstream);
        continue; // the target is down: the client sees a refused connection, as it would
      }
      synchronized (this) {
        if (closed) {
          quietly(downstream);
          quietly(upstream);
          return;
        }
        sockets.add(downstream);
        sockets.add(upstream);
      }
      pipe(downstream, upstream, false);
      pipe(upstream, downstream, true);
    }
  }

  /** Copies {@code from} to {@code to} through a bounded queue, obeying the mode. */
  private void pipe(Socket from, Socket to, boolean answers) {
    BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(MAX_QUEUED_CHUNKS);
    String name = "tcp-proxy-" + port() + (answers ? "-answers-" : "-requests-") + from.getPort();
    daemon(name + "-read", () -> read(from, to, queue)).start();
    daemon(name + "-write", () -> write(to, from, queue, answers)).start();
  }

  private void read(Socket from, Socket to, BlockingQueue<Chunk> queue) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (currentMode() != Mode.DROP) {
          queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime()));
        }
      }
    } catch (IOException e) {
      // the connection ended
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      quietly(to);
      quietly(from);
    }
  }

  private void write(Socket to, Socket from, BlockingQueue<Chunk> queue, boolean answers) {
    try (OutputStream out = to.getOutputStream()) {
      while (true) {
        Chunk chunk = queue.take();
        if (!release(chunk, answers)) {
          return;
        }
        out.write(chunk.bytes);
        out.flush();
      }
    } catch (IOException e) {
      // the connection ended
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      quietly(to);
      quietly(from);
    }
  }

  /** Waits until the mode lets {@code chunk} go; false when the proxy closed. */
  private synchronized boolean release(Chunk chunk, boolean answers) throws InterruptedException {
    boolean counted = false;
    try {
      while (!closed) {
        if (mode == Mode.HOLD_ANSWERS && answers) {
          if (!counted) {
            heldChunks.incrementAndGet();
            counted = true;
          }
          wait();
        } else if (mode == Mode.DELAY) {
          long due = chunk.arrivedNanos + delay.toNanos() - System.nanoTime();
          if (due <= 0) {
            return true;
          }
          wait(Math.max(1, due / 1_000_000));
        } else {
          return true;
        }
      }
      return false;
    } finally {
      if (counted) {
        heldChunks.decrementAndGet();
      }
    }
  }

  private synchronized Mode currentMode() {
    return mode;
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static void quietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  private record Chunk(byte[] bytes, long arrivedNanos) {}
}
