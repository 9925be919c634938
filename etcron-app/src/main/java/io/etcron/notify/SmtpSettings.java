package io.etcron.notify;

import java.util.Optional;

/**
 * The SMTP server the masters send email through. Immutable; checked when made.
 *
 * @param host server host
 * @param port server port (25, 587 with STARTTLS, ...)
 * @param from the sender address
 * @param user the login, if the server wants one
 * @param password the login's password
 * @param startTls upgrade the connection with STARTTLS (required when set)
 */
public record SmtpSettings(
    String host,
    int port,
    String from,
    Optional<String> user,
    Optional<String> password,
    boolean startTls) {
  public static final int DEFAULT_PORT = 25;

  public SmtpSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("smtp-host must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("smtp-port " + port + " is out of range 1-65535");
    }
    if (from == null || !from.contains("@")) {
      throw new IllegalArgumentException(
          "smtp-from \"" + from + "\" must be the sender's address, e.g. etcron@example.com");
    }
    if (user.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException(
          "smtp-user and smtp-password-file go together: give both or neither");
    }
  }
}
