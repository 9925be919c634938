package io.etcron.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM's live heap by class, from {@code jcmd <pid> GC.class_histogram} (which runs a full GC
 * first): the total and the largest classes. Blocking.
 *
 * @param totalBytes live bytes after the GC
 * @param top the histogram's header and largest rows, as printed
 */
record Histogram(long totalBytes, List<String> top) {
  private static final int ROWS = 20;

  static Histogram of(long pid) throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder("jcmd", "" + pid, "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + text);
    }
    List<String> lines = text.lines().toList();
    String total =
        lines.stream()
            .filter(l -> l.startsWith("Total"))
            .findFirst()
            .orElseThrow(() -> new IOException("no Total in the histogram: " + text));
    long bytes = Long.parseLong(total.trim().split("\\s+")[2]);
    List<String> top =
        lines.stream()
            .filter(l -> l.contains(":") && !l.startsWith(pid + ":"))
            .limit(ROWS + 1)
            .toList();
    return new Histogram(bytes, top);
  }

  double totalMb() {
    return totalBytes / 1024.0 / 1024.0;
  }
}
