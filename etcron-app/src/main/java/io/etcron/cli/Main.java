package io.etcron.cli;

import io.etcron.lock.EtcdUnavailableException;
import io.etcron.lock.LockException;
import io.etcron.run.RunStoreException;
import io.etcron.store.EtcdRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code etcron} command. */
@Command(
    name = "etcron",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A distributed cron and job scheduler whose nodes coordinate through etcd.",
    subcommands = {
      StandaloneCommand.class,
      MasterCommand.class,
      WorkerCommand.class,
      JobCommand.class,
      RunsCommand.class,
      WorkersCommand.class,
      CronCommand.class,
      TokenCommand.class,
      LockCommand.class,
      CompletionCommand.class,
      TrainCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  private static final Set<String> SERVERS = Set.of("standalone", "master", "worker");

  private Main() {}

  @Option(
      names = "--log-format",
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      defaultValue = "${env:ETCRON_LOG_FORMAT:-text}",
      description =
          "Log format on stderr: text or json, one object a line (env ETCRON_LOG_FORMAT, default"
              + " ${DEFAULT-VALUE}).")
  void logFormat(LogFormat format) {
    format.use();
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (see {@link ExitCodes}). */
  public static int run(String... args) {
    return run(List.of(), args);
  }

  /**
   * Runs the command line with {@code subcommands} added after the product's (the benchmarks add
   * {@code bench}: picocli {@code @Command} objects) and returns the exit code.
   */
  public static int run(List<Object> subcommands, String... args) {
    // gRPC logs through java.util.logging: route it to SLF4J so that it obeys logback.xml.
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    // Servers log what they do; client commands stay quiet unless something goes wrong.
    if (System.getProperty("etcron.log.level") == null) {
      System.setProperty(
          "etcron.log.level", args.length > 0 && SERVERS.contains(args[0]) ? "INFO" : "WARN");
    }
    CommandLine cl = commandLine();
    subcommands.forEach(cl::addSubcommand);
    return cl.execute(args);
  }

  /**
   * The command line. Servers read their config file ({@code --config}, {@code $ETCRON_CONFIG})
   * themselves, see {@link ConfigFile}.
   */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(Main::onError);
    cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.FAILURE);
    return cl;
  }

  /** One line for the user, a documented exit code, a stack trace only with ETCRON_DEBUG=1. */
  private static int onError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if ("1".equals(System.getenv("ETCRON_DEBUG"))) {
      e.printStackTrace(err);
    }
    if (e instanceof RunStoreException) {
      err.println("etcron: " + e.getMessage());
      return ExitCodes.UNAVAILABLE;
    }
    if (e instanceof io.javalin.util.JavalinBindException) {
      err.println("etcron: " + e.getMessage() + " (is another etcron running? use --port)");
      return ExitCodes.FAILURE;
    }
    if (e instanceof IllegalArgumentException || e instanceof CommandLine.TypeConversionException) {
      err.println("etcron: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (e instanceof EtcdUnavailableException) {
      err.println(
          "etcron: cannot reach etcd at " + EtcdOptions.endpointsInUse() + ": " + e.getMessage());
      return ExitCodes.UNAVAILABLE;
    }
    if (e instanceof EtcdRequestException) {
      // etcd answered (or the client refused to send): not an outage, say what was refused.
      err.println("etcron: etcd at " + EtcdOptions.endpointsInUse() + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    if (e instanceof CliException c) {
      err.println("etcron: " + c.getMessage());
      return c.exitCode();
    }
    if (e instanceof LockException
        || e instanceof UncheckedIOException
        || e instanceof IllegalStateException) {
      err.println("etcron: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    err.println("etcron: unexpected error: " + e + " (run with ETCRON_DEBUG=1 for details)");
    return ExitCodes.FAILURE;
  }

  /** The version and git commit the build wrote into {@code version.properties}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        // an unreadable resource reads as an unknown build
      }
      String version = resolved(p.getProperty("version"), "development");
      String commit = resolved(p.getProperty("commit"), "unknown");
      if ("true".equals(p.getProperty("dirty"))) {
        commit += "-dirty";
      }
      return new String[] {"etcron " + version + " (commit " + commit + ")"};
    }

    /** A property Maven did not fill in stays "${...}": report it as unknown. */
    private static String resolved(String value, String otherwise) {
      return value == null || value.isBlank() || value.startsWith("${") ? otherwise : value;
    }
  }
}
