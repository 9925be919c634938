package io.etcron.job;

import java.time.Instant;

/** Job specs and jobs for tests: the fields a test names, every other one at its default. */
public final class JobSpecs {
  private JobSpecs() {}

  /** A spec with {@code name}, {@code schedule} and {@code command}; the rest default. */
  public static JobSpec spec(String name, String schedule, String command) {
    return new JobSpec(
        name, null, command, null, null, schedule, null, null, null, null, null, null, null, null,
        null, null);
  }

  /** The valid job of {@link #spec}, as of now. */
  public static Job job(String name, String schedule, String command) {
    return Job.from(spec(name, schedule, command), Instant.now());
  }
}
