package io.etcron.cli;

import io.etcron.job.Exclusions;
import io.etcron.job.FieldError;
import io.etcron.schedule.Fires;
import io.etcron.schedule.Schedule;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code etcron cron next EXPR}: fire times of a schedule, offline. */
@Command(
    name = "cron",
    mixinStandardHelpOptions = true,
    description = "Schedules, offline.",
    subcommands = CronCommand.Next.class)
final class CronCommand {

  @Command(
      name = "next",
      mixinStandardHelpOptions = true,
      description = "Print the next fire times of a schedule (no server needed).")
  static final class Next implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "EXPR",
        description =
            "A cron expression (quote it), @every 5m, @daily, @at 2026-12-01T09:00:00Z...")
    String expression;

    @Option(
        names = {"-z", "--zone"},
        defaultValue = "UTC",
        description = "Time zone (default ${DEFAULT-VALUE}).")
    String zone;

    @Option(
        names = "--exclude",
        split = ",",
        paramLabel = "DAY",
        description =
            "Days whose fires do not run, as a job's exclude: 2026-12-25,2026-12-24..2026-12-26.")
    List<String> exclude;

    @Option(
        names = "-n",
        defaultValue = "5",
        description = "How many (default ${DEFAULT-VALUE}, at most 100).")
    int n;

    @Override
    public Integer call() {
      ZoneId z;
      try {
        z = ZoneId.of(zone);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(
            "\"" + zone + "\" is not an IANA time zone such as Europe/Berlin or UTC");
      }
      if (n < 1 || n > Fires.MAX_PREVIEW) {
        throw new IllegalArgumentException("-n must be between 1 and " + Fires.MAX_PREVIEW);
      }
      List<FieldError> errors = new ArrayList<>();
      Exclusions days = Exclusions.parse(exclude, errors);
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(
            errors.stream().map(FieldError::message).collect(Collectors.joining("; ")));
      }
      Schedule s = Schedule.parse(expression);
      PrintWriter out = spec.commandLine().getOut();
      out.println(s.describe() + " (" + z.getId() + ")");
      DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");
      List<Instant> skipped = new ArrayList<>();
      var fires = Fires.nextN(s, z, Instant.now(), n, t -> days.reason(t, z).isEmpty(), skipped);
      if (fires.isEmpty()) {
        out.println("no future fire");
      }
      // In time order, each excluded fire marked where it falls.
      List<Instant> all = new ArrayList<>(fires);
      all.addAll(skipped);
      all.sort(null);
      for (Instant t : all) {
        out.println(
            f.format(t.atZone(z))
                + "   "
                + t
                + (fires.contains(t) ? "" : "   (excluded day: skipped)"));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
