package io.etcron.cli;

import io.etcd.jetcd.Client;
import io.etcron.master.Master;
import io.etcron.master.MasterSettings;
import io.etcron.master.TokensFile;
import io.etcron.master.auth.TokenSource;
import io.etcron.master.auth.Tokens;
import io.etcron.notify.NotifySettings;
import io.etcron.run.RetentionPolicy;
import io.etcron.run.RunStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code etcron master}: the API, the web UI and the metrics. */
@Command(
    name = "master",
    mixinStandardHelpOptions = true,
    description = "Run a master (stateless: run several behind a load balancer).")
final class MasterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "${env:ETCRON_CONFIG}",
      description =
          "A YAML file of settings with the flags' names as keys (e.g. port: 8080, token: [..]);"
              + " flags and ETCRON_* variables (ETCRON_PORT, ...) win over it.")
  Path config;

  @Option(
      names = "--host",
      description = "Address to bind (default ${DEFAULT-VALUE}; anything else needs tokens).")
  String host = MasterSettings.DEFAULT_HOST;

  @Option(names = "--port", description = "Port (default ${DEFAULT-VALUE}).")
  int port = MasterSettings.DEFAULT_PORT;

  @Option(
      names = "--token",
      paramLabel = "NAME:ROLE:SECRET",
      description =
          "A bearer token; ROLE is viewer, operator or admin; SECRET may be sha256:HEX (etcron"
              + " token hash). Repeatable; env ETCRON_TOKENS holds a comma-separated list.")
  List<String> tokens = new ArrayList<>();

  @Option(
      names = "--tokens-file",
      paramLabel = "FILE",
      description =
          "A file with one NAME:ROLE:SECRET (or NAME:ROLE:sha256:HEX) per line, private to its"
              + " owner (chmod 600); re-read when it changes.")
  Path tokensFile;

  @Option(
      names = "--retention",
      converter = DurationConverter.class,
      description = "Delete runs older than this (default 30d).")
  Duration retentionAge = RetentionPolicy.DEFAULT.maxAge();

  @Option(
      names = "--retention-runs",
      description = "Keep at most this many runs per job (default ${DEFAULT-VALUE}).")
  int retentionRuns = RetentionPolicy.DEFAULT.maxRunsPerJob();

  @Option(
      names = "--audit-retention",
      converter = DurationConverter.class,
      description = "Delete audit entries older than this (default 365d).")
  Duration auditRetention = RetentionPolicy.DEFAULT.auditMaxAge();

  @Mixin TlsOptions tls;
  @Mixin NotifyOptions notify;
  @Mixin ServerOptions server;
  @Mixin EtcdOptions etcd;

  @Override
  public Integer call() throws Exception {
    ConfigFile.apply(spec, Optional.ofNullable(config), System::getenv);
    Shutdown shutdown = new Shutdown();
    MasterSettings settings = settings().withEtcd(etcd.settings());
    if (settings.tokens() instanceof AutoCloseable reloads) {
      shutdown.add(reloads);
    }
    start(
        shutdown,
        server,
        settings,
        notify.settings(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    shutdown.await();
    return ExitCodes.OK;
  }

  /** The settings, with the TLS files and the tokens file read and checked. */
  MasterSettings settings() {
    MasterSettings s =
        MasterSettings.local(port)
            .withHost(host)
            .withTls(tls.identity())
            .withRetention(new RetentionPolicy(retentionAge, retentionRuns, auditRetention));
    return s.withTokens(tokens());
  }

  /** The fixed tokens and, with --tokens-file, the file's (re-read when it changes). */
  TokenSource tokens() {
    Tokens fixed = fixedTokens();
    return tokensFile == null ? fixed : TokensFile.open(tokensFile, fixed);
  }

  /** The tokens of --token and ETCRON_TOKENS. */
  Tokens fixedTokens() {
    List<String> all = new ArrayList<>(tokens);
    String env = System.getenv("ETCRON_TOKENS");
    if (env != null && !env.isBlank()) {
      all.addAll(
          Arrays.stream(env.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
    return Tokens.parse(all);
  }

  /** Starts a master with these options; its parts close with {@code shutdown}. */
  static Master start(
      Shutdown shutdown,
      ServerOptions server,
      MasterSettings settings,
      NotifySettings notify,
      PrometheusMeterRegistry metrics) {
    settings.validate();
    Client client = shutdown.add(settings.etcd().connect());
    RunStore runs = shutdown.add(server.openRunStore());
    return shutdown.add(Master.start(settings, client, runs, metrics::scrape, notify));
  }
}
