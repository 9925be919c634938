package io.etcron.run;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One page of runs and where the next one starts.
 *
 * @param runs newest fire first
 * @param nextCursor pass it to {@link RunQuery#after(Optional)} for the next page; empty at the end
 */
public record RunPage(List<Run> runs, Optional<String> nextCursor) {

  /** The cursor after {@code last}: its fire time and id, so pages never overlap or leave gaps. */
  public static String cursorAfter(Run last) {
    return last.fireTime().toEpochMilli() + "_" + last.id();
  }

  /** The position a cursor stands for. */
  public record Position(Instant fireTime, String id) {}

  /**
   * @throws IllegalArgumentException when {@code cursor} was not made by {@link #cursorAfter(Run)}
   */
  public static Position position(String cursor) {
    int sep = cursor.indexOf('_');
    try {
      Position p =
          new Position(
              Instant.ofEpochMilli(Long.parseLong(cursor.substring(0, sep))),
              cursor.substring(sep + 1));
      RunId.parse(p.id());
      return p;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cursor \"" + cursor + "\" is not one this server gave out");
    }
  }
}
