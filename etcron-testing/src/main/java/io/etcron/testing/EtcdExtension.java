package io.etcron.testing;

import io.etcd.jetcd.Client;
import io.etcron.etcd.EtcdCluster;
import io.etcron.etcd.EtcdMember;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real etcd (the {@code etcd} binary from Debian's {@code etcd-server} package) on free
 * 127.0.0.1 ports with a temporary data directory, for the tests of one class.
 *
 * <pre>{@code
 * @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();
 * ...
 * Client client = etcd.client();
 * etcd.member(0).pause();
 * }</pre>
 *
 * <p>Registered on a static field it lives for the whole class; on an instance field, for each
 * test. Members use fast elections (10 ms heartbeat, 100 ms election timeout). Clients made by
 * {@link #newClient()} are closed with the cluster.
 */
public final class EtcdExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final int size;
  private final UnaryOperator<EtcdCluster.Builder> customizer;
  private static final Path SHM = Path.of("/dev/shm");
  private final List<Client> clients = new ArrayList<>();
  private EtcdCluster cluster;
  private Client client;
  private boolean perClass;

  private EtcdExtension(int size, UnaryOperator<EtcdCluster.Builder> customizer) {
    this.size = size;
    this.customizer = customizer;
  }

  /** One etcd member. */
  public static EtcdExtension singleNode() {
    return new EtcdExtension(1, b -> b);
  }

  /** A cluster of {@code members} etcd processes. */
  public static EtcdExtension cluster(int members) {
    return new EtcdExtension(members, b -> b);
  }

  /** The same extension with extra builder settings (e.g. {@code b -> b.maxTxnOps(1024)}). */
  public EtcdExtension with(UnaryOperator<EtcdCluster.Builder> customizer) {
    UnaryOperator<EtcdCluster.Builder> previous = this.customizer;
    return new EtcdExtension(size, b -> customizer.apply(previous.apply(b)));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stop();
    }
  }

  private synchronized void start() {
    if (cluster == null) {
      EtcdCluster.Builder b = EtcdCluster.builder().members(size).fastElections();
      if (Files.isDirectory(SHM) && Files.isWritable(SHM)) {
        b.tempRoot(SHM); // memory: etcd's fsync per write costs the suite nothing there
      }
      cluster = customizer.apply(b).startTimeout(Duration.ofSeconds(30)).start();
    }
  }

  private synchronized void stop() {
    clients.forEach(Client::close);
    clients.clear();
    client = null;
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  /** The running cluster. */
  public synchronized EtcdCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException(
          "etcd is not running: register the extension with @RegisterExtension");
    }
    return cluster;
  }

  /** Member {@code index} (0-based), to stop, kill, pause, resume or restart. */
  public EtcdMember member(int index) {
    return cluster().member(index);
  }

  /** Comma-separated client URLs. */
  public String endpoints() {
    return cluster().endpoints();
  }

  /** The client URLs as a list. */
  public List<String> clientUrls() {
    return cluster().clientUrls();
  }

  /** A client shared by the tests of this extension's scope. */
  public synchronized Client client() {
    if (client == null) {
      client = newClient();
    }
    return client;
  }

  /** A new client on every member, closed when the extension stops. */
  public synchronized Client newClient() {
    Client c =
        Client.builder()
            .endpoints(cluster().clientUrls().toArray(String[]::new))
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    clients.add(c);
    return c;
  }
}
