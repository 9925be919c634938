package io.etcron.worker.record;

import io.etcron.json.Json;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a command's end outlives its worker. Before an attempt starts, its running record goes to
 * {@code <id>.run} in a directory beside the worker's {@link RunJournal}; the command's watchdog
 * writes the exit code of a command that ended by itself to {@code <id>.exit}. A worker that
 * records the end deletes both. A worker killed between the command's exit and the end's journal
 * leaves them, and its next life ({@link #recover()}) reports that end: the run's stored presumed
 * loss gives way to it (see {@link Run#acceptsUpdate}). Not written with fsync: a note outlives the
 * worker's process, not the machine's (whose crash kills the command too).
 *
 * <p>Used by the recorder (recover, forget) and the attempts starting commands (expect); the file
 * operations are independent per run, so it is thread-safe.
 */
final class ExitNotes {
  private static final Logger log = LoggerFactory.getLogger(ExitNotes.class);
  private static final String RUN = ".run";
  private static final String EXIT = ".exit";

  private final Path dir;

  ExitNotes(Path dir) {
    this.dir = dir;
  }

  /** The notes of the journal {@code journal}: a directory beside it. */
  static ExitNotes beside(RunJournal journal) {
    Path file = journal.file();
    return new ExitNotes(file.resolveSibling(file.getFileName() + ".exits"));
  }

  /**
   * Notes that {@code running} starts its command now.
   *
   * @return where the command's watchdog writes its exit code
   * @throws UncheckedIOException when the note cannot be written
   */
  Path expect(Run running) {
    String base = base(running);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(base + RUN), Json.write(running), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a run note in " + dir + ": " + e, e);
    }
    return dir.resolve(base + EXIT);
  }

  /** The end of {@code end}'s attempt is stored: its notes are not needed any more. */
  void forget(Run end) {
    String base = base(end);
    for (String suffix : List.of(RUN, EXIT, EXIT + ".tmp")) {
      try {
        Files.deleteIfExists(dir.resolve(base + suffix));
      } catch (IOException e) {
        log.debug("cannot delete the run note {}{}: {}", base, suffix, e.toString());
      }
    }
  }

  /**
   * The ends that earlier lives of this worker did not record: one per attempt whose command left
   * an exit code. Attempts without one are left to the presumed loss. Every note read is deleted.
   */
  List<Run> recover() {
    List<Run> ends = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return ends;
    }
    try (DirectoryStream<Path> notes = Files.newDirectoryStream(dir, "*" + RUN)) {
      for (Path note : notes) {
        String name = note.getFileName().toString();
        Path exit = dir.resolve(name.substring(0, name.length() - RUN.length()) + EXIT);
        readEnd(note, exit).ifPresent(ends::add);
        Files.deleteIfExists(exit);
        Files.deleteIfExists(dir.resolve(exit.getFileName() + ".tmp"));
        Files.delete(note);
      }
    } catch (IOException e) {
      log.warn("could not read the run notes in {}: {}", dir, e.toString());
    }
    return ends;
  }

  private static Optional<Run> readEnd(Path note, Path exit) {
    try {
      if (!Files.exists(exit)) {
        return Optional.empty();
      }
      Run running = Json.read(Files.readString(note, StandardCharsets.UTF_8), Run.class);
      int code = Integer.parseInt(Files.readString(exit, StandardCharsets.US_ASCII).trim());
      Instant at = Files.getLastModifiedTime(exit).toInstant();
      Optional<Integer> signal =
          code > 128 && code < 160 ? Optional.of(code - 128) : Optional.empty();
      String reason =
          (code == 0 ? "" : signal.map(s -> "killed by signal " + s).orElse("exit code " + code))
              + (code == 0 ? "" : "; ")
              + "reported by the worker's next start (it died before recording the end;"
              + " output after its last stored chunk is not kept)";
      return Optional.of(
          running.finished(
              code == 0 ? RunState.SUCCEEDED : RunState.FAILED,
              Optional.of(code),
              signal,
              reason,
              "",
              0,
              at));
    } catch (IOException | RuntimeException e) {
      log.warn("skipping the unreadable run note {}: {}", note, e.toString());
      return Optional.empty();
    }
  }

  /** A file name for the attempt: its run id in URL-safe base64 (no separators), its attempt. */
  private static String base(Run run) {
    return Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(run.id().toString().getBytes(StandardCharsets.UTF_8))
        + "."
        + run.attempt();
  }
}
