package io.etcron.master;

import io.etcron.concurrent.Threads;
import io.etcron.master.auth.TokenSource;
import io.etcron.master.auth.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tokens file ({@code --tokens-file}), one {@code name:role:secret} or {@code
 * name:role:sha256:HEX} a line ({@code #} comments and blank lines ignored), re-read when it
 * changes: rotating a token needs no restart. The file must be private to its owner (no group or
 * other permission bits: {@code chmod 600}) and hold at least one token, or the master does not
 * start; a change that breaks either rule, or a file that disappears, keeps the last good tokens
 * and logs one warning per change.
 *
 * <p>The file is compared with what was last read every {@link #CHECK_EVERY} on the thread {@code
 * etcron-tokens-reload}: reading a small file is cheaper than a file watch, and it also sees the
 * symlink swaps of mounted secrets and editors that replace the file. Thread-safe; {@link #close()}
 * stops the checks.
 */
public final class TokensFile implements TokenSource, AutoCloseable {
  /** How often the file is compared with what was last read. */
  public static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  /** Largest tokens file read. */
  public static final long MAX_SIZE = 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(TokensFile.class);
  private static final Set<PosixFilePermission> PRIVATE =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);

  private final Path file;
  private final Tokens fixed;
  private final ScheduledExecutorService checks;
  private volatile Tokens current;
  private volatile Optional<String> problem = Optional.empty();
  private byte[] lastSeen; // only the checks thread touches it after start

  private TokensFile(Path file, Tokens fixed, Snapshot first) {
    this.file = file;
    this.fixed = fixed;
    this.current = fixed.and(first.tokens());
    this.lastSeen = first.seen();
    this.checks = Executors.newSingleThreadScheduledExecutor(Threads.named("etcron-tokens-reload"));
  }

  /**
   * Reads {@code file} and starts re-reading it when it changes; the tokens in force are {@code
   * fixed} and the file's.
   *
   * @throws IllegalArgumentException naming the file: unreadable, readable by others, invalid or
   *     empty
   */
  public static TokensFile open(Path file, Tokens fixed) {
    TokensFile f = new TokensFile(file, fixed, read(file));
    long every = CHECK_EVERY.toMillis();
    f.checks.scheduleWithFixedDelay(f::check, every, every, TimeUnit.MILLISECONDS);
    return f;
  }

  @Override
  public Tokens current() {
    return current;
  }

  /** What is wrong with the file now, when its last change was refused. */
  public Optional<String> problem() {
    return problem;
  }

  /** One check: re-read when the file (contents or permissions) differs from the last read. */
  private void check() {
    byte[] seen;
    try {
      seen = seen(file);
    } catch (IllegalArgumentException e) {
      seen = e.getMessage().getBytes(StandardCharsets.UTF_8);
    } catch (Throwable t) {
      log.warn("checking the tokens file {} failed: {}", file, t.toString());
      return;
    }
    if (Arrays.equals(seen, lastSeen)) {
      return;
    }
    lastSeen = seen;
    try {
      Snapshot s = read(file);
      lastSeen = s.seen();
      current = fixed.and(s.tokens());
      problem = Optional.empty();
      log.info("tokens file {} re-read: {} tokens in force", file, current.size());
    } catch (IllegalArgumentException e) {
      problem = Optional.of(e.getMessage());
      log.warn(
          "{}; keeping the {} tokens in force until the file is fixed",
          e.getMessage(),
          current.size());
    } catch (Throwable t) {
      log.warn("re-reading the tokens file {} failed: {}", file, t.toString());
    }
  }

  /** The tokens read and what the file looked like when read (permissions and contents). */
  private record Snapshot(Tokens tokens, byte[] seen) {}

  private static Snapshot read(Path file) {
    byte[] seen = seen(file);
    String perms = permissions(file);
    if (!perms.isEmpty() && !PRIVATE.containsAll(PosixFilePermissions.fromString(perms))) {
      throw new IllegalArgumentException(
          "the tokens file "
              + file
              + " may be read or written by other users ("
              + perms
              + "): make it private with chmod 600 "
              + file);
    }
    String text = new String(seen, StandardCharsets.UTF_8);
    // seen = permissions + '\n' + contents: the contents start after the first line
    List<String> lines = text.substring(text.indexOf('\n') + 1).lines().toList();
    List<String> specs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        Tokens.parse(List.of(line)); // to name the line at fault
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "the tokens file " + file + " line " + (i + 1) + ": " + e.getMessage());
      }
      specs.add(line);
    }
    if (specs.isEmpty()) {
      throw new IllegalArgumentException(
          "the tokens file "
              + file
              + " holds no tokens: add NAME:ROLE:SECRET lines (or NAME:ROLE:sha256:HEX, see"
              + " etcron token hash)");
    }
    return new Snapshot(Tokens.parse(specs), seen);
  }

  /** The file's permissions and contents, to tell a change. */
  private static byte[] seen(Path file) {
    try {
      if (Files.size(file) > MAX_SIZE) {
        throw new IllegalArgumentException(
            "the tokens file " + file + " is larger than " + MAX_SIZE / 1024 + " KiB");
      }
      byte[] contents = Files.readAllBytes(file);
      byte[] perms = (permissions(file) + "\n").getBytes(StandardCharsets.UTF_8);
      byte[] all = Arrays.copyOf(perms, perms.length + contents.length);
      System.arraycopy(contents, 0, all, perms.length, contents.length);
      return all;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read the tokens file " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(
          "cannot read the tokens file " + file + ": permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the tokens file " + file + ": " + e.getMessage());
    }
  }

  /** {@code rw-------} and the like; empty on a file system without POSIX permissions. */
  private static String permissions(Path file) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    } catch (UnsupportedOperationException e) {
      return "";
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the permissions of the tokens file " + file + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    checks.shutdownNow();
  }
}
