package io.etcron.worker.record;

import io.etcron.json.Json;
import io.etcron.run.Run;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local, append-only, fsync'ed file of the run records a worker has not yet seen stored, so that
 * a crash while the run store is slow or down loses no finished run: {@link RunRecorder} appends a
 * batch's records before it sends them to the store, and empties the journal once everything in it
 * is stored. At start, the records of journals no live process holds (this worker's previous life,
 * or a dead worker's on the same machine) are handed back to be stored again: writes to the store
 * are idempotent and only move forward.
 *
 * <p>One JSON record a line in {@code <dir>/<name>.journal}, held with an exclusive file lock while
 * open. Not thread-safe: used by the recorder's thread only.
 */
public final class RunJournal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunJournal.class);
  private static final String SUFFIX = ".journal";

  private final Path dir;
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private RunJournal(Path dir, Path file, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Opens (creating) {@code <dir>/<name>.journal}.
   *
   * @throws IllegalStateException when another live process holds it
   * @throws UncheckedIOException when the directory or file cannot be written
   */
  public static RunJournal open(Path dir, String name) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(safe(name) + SUFFIX);
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        channel.close();
        throw new IllegalStateException(
            "the run journal " + file + " is in use by another process (two workers with one id?)");
      }
      channel.position(channel.size());
      return new RunJournal(dir, file, channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the run journal in " + dir + ": " + e, e);
    }
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** The journal's file. */
  public Path file() {
    return file;
  }

  /**
   * The records left by earlier lives: this journal's own content and every journal in the
   * directory that no live process holds (those files are deleted once read; their records are
   * appended here first, so nothing is lost if this process dies too).
   */
  public List<Run> recover() {
    List<Run> runs = new ArrayList<>(read(file));
    try (DirectoryStream<Path> others = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path other : others) {
        if (other.equals(file)) {
          continue;
        }
        try (FileChannel c = FileChannel.open(other, StandardOpenOption.WRITE);
            FileLock l = tryLock(c)) {
          if (l == null) {
            continue; // a live worker's
          }
          List<Run> found = read(other);
          append(found);
          runs.addAll(found);
          Files.delete(other);
        }
      }
    } catch (IOException e) {
      log.warn("could not read the other run journals in {}: {}", dir, e.toString());
    }
    return runs;
  }

  /** The lock, or null if another process (or another journal of this one) holds it. */
  private static FileLock tryLock(FileChannel c) throws IOException {
    try {
      return c.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return null;
    }
  }

  private static List<Run> read(Path path) {
    List<Run> runs = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        try {
          runs.add(Json.read(line, Run.class));
        } catch (RuntimeException e) {
          // the last line of a crash may be torn: it was never acknowledged as journaled
          log.debug("skipping a torn line of {}: {}", path, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run journal " + path + ": " + e, e);
    }
    return runs;
  }

  /** Appends records and forces them to disk before returning. */
  public void append(List<Run> runs) {
    if (runs.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder();
    for (Run r : runs) {
      text.append(Json.write(r)).append('\n');
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run journal " + file + ": " + e, e);
    }
  }

  /**
   * Empties the journal: everything in it is stored. Not forced to disk: a crash before the
   * truncation is durable leaves records that are stored again, and storing is idempotent.
   */
  public void clear() {
    try {
      channel.truncate(0);
      channel.position(0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty the run journal " + file + ": " + e, e);
    }
  }

  /** Bytes in the journal now. */
  public long size() {
    try {
      return channel.size();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      log.debug("closing the run journal {}: {}", file, e.toString());
    }
  }
}
