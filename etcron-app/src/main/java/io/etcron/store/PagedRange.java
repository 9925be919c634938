package io.etcron.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reads every key under a prefix in pages of at most {@code pageKeys} keys, all at one revision
 * (the revision of the first page), in key order. No response can then exceed gRPC's message size
 * however many keys the prefix holds, and the pages together are one consistent snapshot: a watch
 * from {@link Listing#revision()} + 1 sees exactly the changes that follow it.
 *
 * <p>A page that is still too large for one message (a few very large values) is read again in
 * halves. If the revision is compacted while the pages are read, the whole read fails with the
 * compaction error and the caller reads again. Blocking; each page bounded by the timeout.
 * Stateless and thread-safe.
 */
public final class PagedRange {
  /**
   * Keys per page by default: about 1 MiB of job definitions, below the 4 MiB limit. Not smaller:
   * etcd 3.4 walks its index over the rest of the range for every page, so n keys cost about n²/p
   * index steps in pages of p.
   */
  public static final int DEFAULT_PAGE_KEYS = 5_000;

  /**
   * The outcome of a paged read.
   *
   * @param revision the revision every page was read at
   * @param keys how many keys were read
   * @param pages how many requests it took
   */
  public record Listing(long revision, long keys, int pages) {}

  private final KV kv;
  private final Duration timeout;
  private final int pageKeys;

  private PagedRange(KV kv, Duration timeout, int pageKeys) {
    if (pageKeys < 1) {
      throw new IllegalArgumentException("pageKeys must be at least 1, not " + pageKeys);
    }
    this.kv = kv;
    this.timeout = timeout;
    this.pageKeys = pageKeys;
  }

  /** A reader with {@link #DEFAULT_PAGE_KEYS}. */
  public static PagedRange of(KV kv, Duration timeout) {
    return new PagedRange(kv, timeout, DEFAULT_PAGE_KEYS);
  }

  /** A reader with {@code pageKeys} keys a page. */
  public static PagedRange of(KV kv, Duration timeout, int pageKeys) {
    return new PagedRange(kv, timeout, pageKeys);
  }

  /**
   * Hands every key under {@code prefix} to {@code page}, one page at a time, in key order, on the
   * calling thread.
   *
   * @throws io.etcron.lock.EtcdUnavailableException when etcd does not answer a page in time
   * @throws EtcdRequestException when etcd refuses a page (e.g. its revision was compacted)
   */
  public Listing forEachPage(String prefix, Consumer<List<KeyValue>> page) {
    return forEachPage(prefix, 0, page);
  }

  /**
   * As {@link #forEachPage(String, Consumer)}, at {@code revision} (0: the current one).
   *
   * @throws io.etcron.lock.EtcdUnavailableException when etcd does not answer a page in time
   * @throws EtcdRequestException when etcd refuses a page (e.g. its revision was compacted)
   */
  public Listing forEachPage(String prefix, long revision, Consumer<List<KeyValue>> page) {
    ByteSequence end = OptionsUtil.prefixEndOf(Keys.bytes(prefix));
    ByteSequence from = Keys.bytes(prefix);
    long at = revision;
    long keys = 0;
    int pages = 0;
    int limit = pageKeys;
    // The next page is asked for before this one is handed over: etcd reads it while the caller
    // applies this one.
    CompletableFuture<GetResponse> next = request(from, end, at, limit);
    while (true) {
      GetResponse response;
      try {
        response = EtcdCalls.await(next, timeout, "list " + prefix);
      } catch (EtcdRequestException e) {
        if (e.tooLarge() && limit > 1) {
          limit = Math.max(1, limit / 2); // a few large values: ask for fewer at a time
          next = request(from, end, at, limit);
          continue;
        }
        throw e;
      }
      pages++;
      if (at == 0) {
        at = response.getHeader().getRevision();
      }
      List<KeyValue> kvs = response.getKvs();
      keys += kvs.size();
      boolean more = response.isMore() && !kvs.isEmpty();
      if (more) {
        from = after(kvs.get(kvs.size() - 1).getKey());
        limit = pageKeys;
        next = request(from, end, at, limit);
      }
      if (!kvs.isEmpty()) {
        page.accept(kvs);
      }
      if (!more) {
        return new Listing(at, keys, pages);
      }
    }
  }

  /**
   * One page of a listing that a client walks request by request.
   *
   * @param kept the keys kept, in key order, at most as many as asked for
   * @param resumeAfter where the next page starts (after this key), if keys may remain
   */
  public record Slice(List<KeyValue> kept, Optional<ByteSequence> resumeAfter) {}

  /**
   * Reads keys under {@code prefix} after {@code after} (from the start if empty), keeping those
   * {@code keep} accepts, until {@code want} are kept or {@code maxScan} keys were read: a filter
   * that matches little costs a bounded read per request, and the page says where to go on.
   */
  public Slice slice(
      String prefix,
      Optional<ByteSequence> after,
      int want,
      int maxScan,
      Predicate<KeyValue> keep) {
    ByteSequence end = OptionsUtil.prefixEndOf(Keys.bytes(prefix));
    ByteSequence from = after.map(PagedRange::after).orElse(Keys.bytes(prefix));
    List<KeyValue> kept = new ArrayList<>();
    long at = 0;
    int scanned = 0;
    // The first read asks for what is wanted (and one more, to know whether the page is the last):
    // a page without a filter costs one small read. Each further read asks four times as many,
    // up to a full page, so a filter that keeps little gets there in a few reads.
    int ask = want + 1;
    while (true) {
      int limit = Math.min(Math.min(ask, pageKeys), Math.max(1, maxScan - scanned));
      ask = (int) Math.min((long) ask * 4, pageKeys);
      GetResponse response;
      try {
        response = read(from, end, at, limit, prefix);
      } catch (EtcdRequestException e) {
        if (e.tooLarge() && pageKeys > 1) {
          return new PagedRange(kv, timeout, Math.max(1, pageKeys / 2))
              .slice(prefix, after, want, maxScan, keep);
        }
        throw e;
      }
      if (at == 0) {
        at = response.getHeader().getRevision();
      }
      List<KeyValue> kvs = response.getKvs();
      for (int i = 0; i < kvs.size(); i++) {
        scanned++;
        if (keep.test(kvs.get(i))) {
          kept.add(kvs.get(i));
        }
        boolean last = i == kvs.size() - 1 && !response.isMore();
        if (kept.size() == want || scanned >= maxScan) {
          return new Slice(kept, last ? Optional.empty() : Optional.of(kvs.get(i).getKey()));
        }
      }
      if (!response.isMore() || kvs.isEmpty()) {
        return new Slice(kept, Optional.empty());
      }
      from = after(kvs.get(kvs.size() - 1).getKey());
    }
  }

  private GetResponse read(ByteSequence from, ByteSequence end, long at, int limit, String prefix) {
    return EtcdCalls.await(request(from, end, at, limit), timeout, "list " + prefix);
  }

  private CompletableFuture<GetResponse> request(
      ByteSequence from, ByteSequence end, long at, int limit) {
    GetOption option =
        GetOption.builder()
            .withRange(end)
            .withRevision(at)
            .withLimit(limit)
            .build(); // key order is etcd's own: asking for a sort makes it read the whole range

    return kv.get(from, option);
  }

  /** The smallest key after {@code key}: the next page starts there. */
  private static ByteSequence after(ByteSequence key) {
    byte[] b = key.getBytes();
    byte[] next = Arrays.copyOf(b, b.length + 1);
    return ByteSequence.from(next);
  }
}
