package io.etcron.chaos;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every put of a {@code cursor/<job>} key (a claim, or at version 1 the job's creation) to
 * {@code claims.log}, one line {@code JOB FIRE_MILLIS MOD_REVISION VERSION} each, by watching the
 * prefix; {@link #readAll()} adds a final paged read of the keys. jetcd resumes the watch itself
 * after a member restart; after a compaction it is started again from the current revision and the
 * gap is counted. Thread-safe.
 */
final class ClaimWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClaimWatch.class);
  private static final int PAGE = 500;

  /**
   * One cursor put.
   *
   * @param job the job
   * @param fireTime the cursor's fire time
   * @param revision its mod revision
   * @param version the key's version (1 at the job's creation)
   */
  record CursorPut(String job, Instant fireTime, long revision, long version) {}

  private final Client client;
  private final ByteSequence prefix;
  private final Path file;
  private final BufferedWriter out;
  private Watch.Watcher watcher;
  private long lastRevision;
  private int gaps;
  private boolean closed;

  ClaimWatch(Client client, Path file) {
    this.client = client;
    this.prefix = ByteSequence.from(Cluster.NAMESPACE + "cursor/", StandardCharsets.UTF_8);
    this.file = file;
    try {
      this.out =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Starts watching from the current revision. */
  synchronized void start() throws Exception {
    long revision =
        client
            .getKVClient()
            .get(prefix, GetOption.builder().isPrefix(true).withCountOnly(true).build())
            .get(10, TimeUnit.SECONDS)
            .getHeader()
            .getRevision();
    watchFrom(revision + 1);
  }

  private void watchFrom(long revision) {
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).build();
    watcher =
        client
            .getWatchClient()
            .watch(prefix, option, Watch.listener(this::onEvents, this::onError));
  }

  private synchronized void onEvents(WatchResponse response) {
    for (WatchEvent e : response.getEvents()) {
      if (e.getEventType() == WatchEvent.EventType.PUT) {
        write(e.getKeyValue());
      }
    }
  }

  private synchronized void onError(Throwable t) {
    if (closed) {
      return;
    }
    String message = String.valueOf(t.getMessage());
    if (message.contains("compact")) {
      gaps++;
      log.warn("the cursor watch was compacted; watching again from now: {}", message);
      watcher.close();
      new Thread(
              () -> {
                try {
                  synchronized (this) {
                    if (!closed) {
                      start();
                    }
                  }
                } catch (Exception e) {
                  log.warn("could not watch the cursors again", e);
                }
              },
              "chaos-claim-rewatch")
          .start();
    } else {
      log.debug("cursor watch: {}", message);
    }
  }

  private void write(KeyValue kv) {
    try {
      String job =
          kv.getKey()
              .toString(StandardCharsets.UTF_8)
              .substring(prefix.toString(StandardCharsets.UTF_8).length());
      String value = kv.getValue().toString(StandardCharsets.UTF_8);
      int digits = 0;
      while (digits < value.length() && Character.isDigit(value.charAt(digits))) {
        digits++;
      }
      long millis = Long.parseLong(value.substring(0, digits));
      out.write(job + " " + millis + " " + kv.getModRevision() + " " + kv.getVersion() + "\n");
      lastRevision = Math.max(lastRevision, kv.getModRevision());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      log.warn("a cursor value that does not start with a time: {}", kv, e);
    }
  }

  /** Watch gaps after compactions. */
  synchronized int gaps() {
    return gaps;
  }

  /** Every put seen, plus the cursors as they are now (a paged read). */
  synchronized List<CursorPut> readAll() throws Exception {
    ByteSequence from = prefix;
    ByteSequence end = ByteSequence.from(Cluster.NAMESPACE + "cursor0", StandardCharsets.UTF_8);
    while (true) {
      var page =
          client
              .getKVClient()
              .get(from, GetOption.builder().withRange(end).withLimit(PAGE).build())
              .get(10, TimeUnit.SECONDS);
      page.getKvs().forEach(this::write);
      if (!page.isMore() || page.getKvs().isEmpty()) {
        break;
      }
      KeyValue last = page.getKvs().get(page.getKvs().size() - 1);
      from =
          ByteSequence.from(
              last.getKey().toString(StandardCharsets.UTF_8) + "\0", StandardCharsets.UTF_8);
    }
    out.flush();
    List<CursorPut> puts = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f.length == 4) {
        puts.add(
            new CursorPut(
                f[0],
                Instant.ofEpochMilli(Long.parseLong(f[1])),
                Long.parseLong(f[2]),
                Long.parseLong(f[3])));
      }
    }
    return puts;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watcher != null) {
      watcher.close();
    }
    try {
      out.close();
    } catch (IOException e) {
      log.warn("could not close {}", file, e);
    }
  }
}
