package io.etcron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcron.notify.DeliveryRetry;
import io.etcron.notify.NotifySettings;
import io.etcron.notify.SmtpSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NotifyOptionsTest {
  @TempDir Path dir;

  private MasterCommand parse(Path config, Map<String, String> env, String... args) {
    MasterCommand m = new MasterCommand();
    new CommandLine(m).parseArgs(args);
    ConfigFile.apply(m.spec, Optional.ofNullable(config), env::get);
    return m;
  }

  private Path privateFile(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  @Test
  void flags_variables_and_the_file_set_the_notification_settings() throws Exception {
    Path secret = privateFile("hook.secret", "0123456789abcdef-secret\n");
    Path password = privateFile("smtp.password", "s3cret\n");
    Path config = dir.resolve("etcron.yaml");
    Files.writeString(
        config, "smtp-host: mail.example.com\nsmtp-starttls: true\nnotify-give-up: 3h\n");
    MasterCommand m =
        parse(
            config,
            Map.of(
                "ETCRON_SMTP_FROM",
                "etcron@example.com",
                "ETCRON_WEBHOOK_SECRET_FILE",
                secret.toString()),
            "--public-url",
            "https://cron.example.com",
            "--smtp-port",
            "587",
            "--smtp-user",
            "etcron",
            "--smtp-password-file",
            password.toString(),
            "--notify-backoff",
            "5s");
    NotifySettings s = m.notify.settings();
    assertThat(s.publicUrl()).contains(URI.create("https://cron.example.com/"));
    assertThat(s.webhookSecret().orElseThrow().bytes())
        .isEqualTo("0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8));
    assertThat(s.smtp())
        .contains(
            new SmtpSettings(
                "mail.example.com",
                587,
                "etcron@example.com",
                Optional.of("etcron"),
                Optional.of("s3cret"),
                true));
    assertThat(s.retry())
        .isEqualTo(
            new DeliveryRetry(Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofHours(3)));
    assertThat(s.webhookSecret().toString()).doesNotContain("secret-");
  }

  @Test
  void without_options_nothing_is_signed_or_mailed() {
    NotifySettings s = parse(null, Map.of()).notify.settings();
    assertThat(s).isEqualTo(NotifySettings.DEFAULT);
  }

  @Test
  void secrets_readable_by_others_and_bad_values_are_refused_naming_the_option() throws Exception {
    Path open = dir.resolve("open.secret");
    Files.writeString(open, "0123456789abcdef-secret");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(
            () -> parse(null, Map.of(), "--webhook-secret-file", open.toString()).notify.settings())
        .hasMessageContaining("webhook-secret-file")
        .hasMessageContaining("chmod 600");
    Path shortOne = privateFile("short.secret", "tiny");
    assertThatThrownBy(
            () ->
                parse(null, Map.of(), "--webhook-secret-file", shortOne.toString())
                    .notify
                    .settings())
        .hasMessageContaining("at least 16");
    assertThatThrownBy(
            () ->
                parse(null, Map.of(), "--smtp-host", "mail", "--smtp-from", "nobody")
                    .notify
                    .settings())
        .hasMessageContaining("smtp-from");
    assertThatThrownBy(
            () ->
                parse(
                        null,
                        Map.of(),
                        "--smtp-host",
                        "mail",
                        "--smtp-from",
                        "a@b.c",
                        "--smtp-user",
                        "u")
                    .notify
                    .settings())
        .hasMessageContaining("smtp-password-file");
  }
}
