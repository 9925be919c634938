package io.etcron.cli;

import io.etcron.notify.DeliveryRetry;
import io.etcron.notify.NotifySettings;
import io.etcron.notify.SmtpSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * A master's notification settings: the public URL in links, the webhook secret, the SMTP server
 * and the retry backoff. Like every server option each has a config key and an {@code ETCRON_*}
 * variable ({@code smtp-host}, {@code ETCRON_SMTP_HOST}). Secrets are read from files private to
 * their owner.
 */
public final class NotifyOptions {
  @Option(
      names = "--public-url",
      paramLabel = "URL",
      description =
          "The masters' address as people open it, for links in notifications (e.g."
              + " https://cron.example.com/); default this master's own http://127.0.0.1:PORT/.")
  String publicUrl;

  @Option(
      names = "--webhook-secret-file",
      paramLabel = "FILE",
      description =
          "A file holding the secret that signs webhooks (X-Etcron-Signature: sha256=HMAC of the"
              + " body), at least 16 bytes, private to its owner (chmod 600).")
  Path webhookSecretFile;

  @Option(names = "--smtp-host", paramLabel = "HOST", description = "SMTP server for email.")
  String smtpHost;

  @Option(
      names = "--smtp-port",
      paramLabel = "PORT",
      description = "SMTP port (default ${DEFAULT-VALUE}).")
  int smtpPort = SmtpSettings.DEFAULT_PORT;

  @Option(names = "--smtp-from", paramLabel = "ADDRESS", description = "Sender of email.")
  String smtpFrom;

  @Option(names = "--smtp-user", paramLabel = "USER", description = "SMTP login.")
  String smtpUser;

  @Option(
      names = "--smtp-password-file",
      paramLabel = "FILE",
      description = "A file holding the SMTP password, private to its owner (chmod 600).")
  Path smtpPasswordFile;

  @Option(
      names = "--smtp-starttls",
      description = "Require STARTTLS on the SMTP connection.",
      arity = "0..1")
  boolean smtpStartTls;

  @Option(
      names = "--notify-backoff",
      converter = DurationConverter.class,
      description = "Pause before a failed delivery's first retry; doubles (default 10s).")
  Duration backoff = DeliveryRetry.DEFAULT.first();

  @Option(
      names = "--notify-max-backoff",
      converter = DurationConverter.class,
      description = "Longest pause between retries (default 10m).")
  Duration maxBackoff = DeliveryRetry.DEFAULT.max();

  @Option(
      names = "--notify-give-up",
      converter = DurationConverter.class,
      description = "A delivery is retried this long, then marked failed (default 2h).")
  Duration giveUp = DeliveryRetry.DEFAULT.giveUpAfter();

  /**
   * The settings, with the secret files read.
   *
   * @throws IllegalArgumentException naming the option at fault
   */
  NotifySettings settings() {
    NotifySettings s =
        NotifySettings.DEFAULT.withRetry(new DeliveryRetry(backoff, maxBackoff, giveUp));
    if (publicUrl != null && !publicUrl.isBlank()) {
      String u = publicUrl.endsWith("/") ? publicUrl : publicUrl + "/";
      try {
        s = s.withPublicUrl(Optional.of(new URI(u)));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("public-url \"" + publicUrl + "\" is not a URL");
      }
    }
    if (webhookSecretFile != null) {
      s =
          s.withWebhookSecret(
              Optional.of(
                  new NotifySettings.Secret(
                      secret(webhookSecretFile, "webhook-secret-file")
                          .getBytes(StandardCharsets.UTF_8))));
    }
    if (smtpHost != null && !smtpHost.isBlank()) {
      Optional<String> password =
          Optional.ofNullable(smtpPasswordFile).map(f -> secret(f, "smtp-password-file"));
      s =
          s.withSmtp(
              Optional.of(
                  new SmtpSettings(
                      smtpHost,
                      smtpPort,
                      smtpFrom,
                      Optional.ofNullable(smtpUser).filter(x -> !x.isBlank()),
                      password,
                      smtpStartTls)));
    }
    return s;
  }

  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  /** The file's text without its trailing newline; refused when others may read it. */
  static String secret(Path file, String option) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream().anyMatch(OTHERS::contains)) {
        throw new IllegalArgumentException(
            option + " " + file + " may be read by others: chmod 600 " + file);
      }
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (UnsupportedOperationException e) {
      throw new IllegalArgumentException(option + " " + file + ": no POSIX permissions to check");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + option + " " + file + ": " + e);
    }
  }
}
