package io.etcron.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM a benchmark starts from its own class path: the same Java, the given
 * options, and the class archive the launcher made for the jar ({@code <jar>.jsa}, see {@code
 * ./etcron}) when there is one, as {@code ./etcron} itself would run it.
 */
final class BenchJvm {
  private BenchJvm() {}

  /** {@code java <options> [archive] -cp <this class path> <main>}. */
  static List<String> command(List<String> options, String main) {
    String classPath = System.getProperty("java.class.path");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(options);
    Path archive = Path.of(classPath + ".jsa");
    if (!classPath.contains(java.io.File.pathSeparator) && Files.isRegularFile(archive)) {
      cmd.addAll(
          List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
    }
    cmd.addAll(List.of("-cp", classPath, main));
    return cmd;
  }
}
