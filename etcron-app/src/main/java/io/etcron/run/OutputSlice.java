package io.etcron.run;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Stored output of a run from some offset.
 *
 * @param offset where {@code text} starts in the run's whole output (later than asked when older
 *     output was pruned)
 * @param text the output from there, as UTF-8 text
 * @param totalSize where the next read should start
 * @param finished whether the run has ended (no more output will come)
 */
public record OutputSlice(long offset, String text, long totalSize, boolean finished) {

  /**
   * Decodes the stored bytes {@code bytes} (which start at offset {@code start}) from {@code from}
   * on, on UTF-8 character boundaries: a character cut at the start is skipped, one cut at the end
   * is left for the next read unless the run has finished.
   */
  public static OutputSlice of(long start, byte[] bytes, long from, boolean finished) {
    long begin = Math.max(start, Math.min(from, start + bytes.length));
    int i = (int) (begin - start);
    while (i < bytes.length && i - (begin - start) < 3 && begin > 0 && (bytes[i] & 0xC0) == 0x80) {
      i++;
    }
    int end = bytes.length;
    if (!finished) {
      end = completeEnd(bytes, i);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE)
              .decode(ByteBuffer.wrap(bytes, i, end - i))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("decoding with REPLACE cannot fail", e);
    }
    return new OutputSlice(start + i, text, start + end, finished);
  }

  /** The end of the last complete UTF-8 character in {@code bytes[from..]}. */
  private static int completeEnd(byte[] bytes, int from) {
    int end = bytes.length;
    for (int back = 1; back <= 3 && end - back >= from; back++) {
      int b = bytes[end - back] & 0xFF;
      if ((b & 0xC0) == 0x80) {
        continue; // continuation byte: look further back for the lead byte
      }
      int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
      return need > back ? end - back : end;
    }
    return end;
  }
}
