package io.etcron.chaos;

import io.etcron.chaos.check.Execution;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the log the job commands append to (see {@code command.sh}): one line per event, {@code
 * EVENT SECONDS.MICROS JOB RUN_ID ATTEMPT TOKEN WORKER PID [EXIT]}, where EVENT is {@code start},
 * {@code hb}, {@code term} or {@code end}. Lines that do not parse (a write torn by a crash) are
 * counted and skipped. Streams the file: memory grows with executions, not lines. Not thread-safe.
 */
final class CommandLog {
  private final Map<String, Builder> executions = new LinkedHashMap<>();
  private int malformed;

  /** Reads {@code file}; a missing file is an empty log. */
  static CommandLog read(Path file) {
    CommandLog log = new CommandLog();
    if (!Files.exists(file)) {
      return log;
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        log.accept(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the command log " + file, e);
    }
    return log;
  }

  /** Takes one line. */
  void accept(String line) {
    String[] f = line.trim().split(" ");
    if (f.length < 8 || f.length > 9) {
      malformed++;
      return;
    }
    try {
      Instant at = time(f[1]);
      String key = f[3] + " " + f[4] + " " + f[7];
      Builder b = executions.get(key);
      if (b == null) {
        b =
            new Builder(
                f[2],
                f[3],
                Integer.parseInt(f[4]),
                Long.parseLong(f[5]),
                f[6],
                Long.parseLong(f[7]),
                at);
        executions.put(key, b);
      }
      b.saw(at);
      switch (f[0]) {
        case "start", "hb" -> {}
        case "term" -> b.terminated = true;
        case "end" -> b.exit = Optional.of(Integer.parseInt(f[8]));
        default -> malformed++;
      }
    } catch (RuntimeException e) {
      malformed++;
    }
  }

  /** The executions, in the order of their first line. */
  List<Execution> executions() {
    List<Execution> out = new ArrayList<>(executions.size());
    executions.values().forEach(b -> out.add(b.build()));
    return out;
  }

  /** Lines that did not parse. */
  int malformed() {
    return malformed;
  }

  private static Instant time(String secondsDotMicros) {
    BigDecimal s = new BigDecimal(secondsDotMicros.replace(',', '.'));
    long micros = s.movePointRight(6).longValueExact();
    return Instant.ofEpochSecond(0, micros * 1000);
  }

  private static final class Builder {
    final String job;
    final String runId;
    final int attempt;
    final long token;
    final String worker;
    final long pid;
    Instant start;
    Instant last;
    Optional<Integer> exit = Optional.empty();
    boolean terminated;

    Builder(
        String job, String runId, int attempt, long token, String worker, long pid, Instant at) {
      this.job = job;
      this.runId = runId;
      this.attempt = attempt;
      this.token = token;
      this.worker = worker;
      this.pid = pid;
      this.start = at;
      this.last = at;
    }

    void saw(Instant at) {
      if (at.isBefore(start)) {
        start = at;
      }
      if (at.isAfter(last)) {
        last = at;
      }
    }

    Execution build() {
      return new Execution(job, runId, attempt, token, worker, pid, start, last, exit, terminated);
    }
  }
}
