package io.etcron.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns. Not thread-safe. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  Table row(Object... cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      String s = cells[i] == null ? "-" : cells[i].toString();
      // One line per row, whatever a user wrote.
      r[i] = s.replaceAll("\\p{Cntrl}", " ");
    }
    rows.add(r);
    return this;
  }

  void print(PrintWriter out) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.min(60, Math.max(width[i], r[i].length()));
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = r[i].length() > 60 ? r[i].substring(0, 57) + "..." : r[i];
        line.append(i == columns - 1 ? cell : String.format("%-" + (width[i] + 2) + "s", cell));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
