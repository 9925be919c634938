package io.etcron.cli;

import io.etcron.schedule.Fires;
import io.etcron.schedule.Schedule;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
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
      Schedule s = Schedule.parse(expression);
      PrintWriter out = spec.commandLine().getOut();
      out.println(s.describe() + " (" + z.getId() + ")");
      DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");
      var fires = Fires.nextN(s, z, Instant.now(), n);
      if (fires.isEmpty()) {
        out.println("no future fire");
      }
      fires.forEach(t -> out.println(f.format(t.atZone(z)) + "   " + t));
      out.flush();
      return ExitCodes.OK;
    }
  }
}
