package io.etcron.execute;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the last {@code limit} bytes of a stream and counts all of them: a ring buffer, so a job
 * that prints gigabytes costs a fixed amount of memory. Thread-safe.
 */
public final class OutputCapture {
  /** Bytes of output kept per run. */
  public static final int DEFAULT_LIMIT = 64 * 1024;

  private final byte[] ring;
  private long total;

  public OutputCapture(int limit) {
    this.ring = new byte[limit];
  }

  /** Appends {@code length} bytes; returns the offset of the first of them in the whole stream. */
  public synchronized long append(byte[] bytes, int length) {
    long offset = total;
    int skip = Math.max(0, length - ring.length);
    for (int i = skip; i < length; i++) {
      ring[(int) ((total + i) % ring.length)] = bytes[i];
    }
    total += length;
    return offset;
  }

  /** Bytes seen in all. */
  public synchronized long total() {
    return total;
  }

  /**
   * The kept tail as text. Decoding skips a UTF-8 sequence cut at the start of the window and
   * replaces invalid bytes, so any output yields valid text.
   */
  public synchronized String tail() {
    int kept = (int) Math.min(total, ring.length);
    byte[] out = new byte[kept];
    long start = total - kept;
    for (int i = 0; i < kept; i++) {
      out[i] = ring[(int) ((start + i) % ring.length)];
    }
    int from = 0;
    // Skip continuation bytes of a character whose first byte fell out of the window.
    while (start > 0 && from < out.length && from < 3 && (out[from] & 0xC0) == 0x80) {
      from++;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(out, from, out.length - from))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalStateException("decoding with REPLACE cannot fail", e);
    }
  }
}
