package io.etcron.notify;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;

/**
 * Sends one plain-text email through the configured SMTP server, with connect, read and write
 * timeouts of {@link #TIMEOUT}. Thread-safe; blocks for one SMTP conversation.
 */
final class MailSender {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final SmtpSettings smtp;
  private final Session session;

  MailSender(SmtpSettings smtp) {
    this.smtp = smtp;
    Properties p = new Properties();
    String ms = Long.toString(TIMEOUT.toMillis());
    p.put("mail.smtp.host", smtp.host());
    p.put("mail.smtp.port", Integer.toString(smtp.port()));
    p.put("mail.smtp.connectiontimeout", ms);
    p.put("mail.smtp.timeout", ms);
    p.put("mail.smtp.writetimeout", ms);
    p.put("mail.smtp.auth", Boolean.toString(smtp.user().isPresent()));
    if (smtp.startTls()) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    Authenticator auth =
        smtp.user().isEmpty()
            ? null
            : new Authenticator() {
              @Override
              protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(smtp.user().get(), smtp.password().orElse(""));
              }
            };
    this.session = Session.getInstance(p, auth);
  }

  /** Sends the mail; empty when the server accepted it, else what went wrong. */
  Optional<String> send(String to, String subject, String text, String idempotencyKey) {
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(smtp.from()));
      m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
      m.setSubject(subject, "UTF-8");
      m.setSentDate(new Date());
      m.setHeader("X-Etcron-Idempotency-Key", idempotencyKey);
      m.setText(text, "UTF-8");
      Transport.send(m);
      return Optional.empty();
    } catch (MessagingException e) {
      return Optional.of(
          "cannot send mail through "
              + smtp.host()
              + ":"
              + smtp.port()
              + ": "
              + e.getClass().getSimpleName()
              + " "
              + e.getMessage());
    }
  }
}
