package io.etcron.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of a job's {@code notify} list: each entry has events from {@link NotifyEvent} and
 * exactly one target, a webhook (an absolute http or https URL) or an email address. Errors name
 * the field {@code notify} and the entry ({@code notify[1].webhook: ...}). Stateless.
 */
final class NotifyRules {
  /** Entries of one job at most. */
  static final int MAX_RULES = 10;

  /** Characters of a URL at most. */
  static final int MAX_URL = 1_000;

  /** A plausible address: one @, no spaces, a dotted domain. */
  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s<>\",;]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

  private NotifyRules() {}

  static List<NotifyRule> check(List<JobSpec.NotifySpec> raw, List<FieldError> errors) {
    if (raw == null || raw.isEmpty()) {
      return List.of();
    }
    if (raw.size() > MAX_RULES) {
      errors.add(
          error("notify", "has " + raw.size() + " entries; at most " + MAX_RULES + " are allowed"));
      return List.of();
    }
    List<NotifyRule> rules = new ArrayList<>();
    Set<String> targets = new HashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String at = "notify[" + i + "]";
      JobSpec.NotifySpec n = raw.get(i);
      if (n == null) {
        errors.add(error(at, "must be {on: [...], webhook: URL} or {on: [...], email: ADDRESS}"));
        continue;
      }
      Set<NotifyEvent> on = events(at, n.on(), errors);
      NotifyRule.Channel channel = null;
      String target = null;
      boolean hook = n.webhook() != null && !n.webhook().isEmpty();
      boolean mail = n.email() != null && !n.email().isEmpty();
      if (hook == mail) {
        errors.add(error(at, "needs exactly one of webhook (a URL) or email (an address)"));
      } else if (hook) {
        channel = NotifyRule.Channel.WEBHOOK;
        target = webhook(at, n.webhook(), errors);
      } else {
        channel = NotifyRule.Channel.EMAIL;
        target = email(at, n.email(), errors);
      }
      if (on != null && target != null) {
        NotifyRule rule = new NotifyRule(on, channel, target);
        if (!targets.add(rule.targetKey())) {
          errors.add(error(at, target + " is listed twice: give it all its events in one entry"));
        } else {
          rules.add(rule);
        }
      }
    }
    return List.copyOf(rules);
  }

  private static Set<NotifyEvent> events(String at, List<String> on, List<FieldError> errors) {
    if (on == null || on.isEmpty()) {
      errors.add(error(at + ".on", "is required: a list of " + allowed()));
      return null;
    }
    Set<NotifyEvent> events = EnumSet.noneOf(NotifyEvent.class);
    boolean ok = true;
    for (String e : on) {
      var parsed = NotifyEvent.parse(e == null ? "" : e);
      if (parsed.isEmpty()) {
        errors.add(error(at + ".on", "\"" + e + "\" is not one of " + allowed()));
        ok = false;
      } else {
        events.add(parsed.get());
      }
    }
    return ok ? events : null;
  }

  private static String allowed() {
    List<String> names = new ArrayList<>();
    for (NotifyEvent e : NotifyEvent.values()) {
      names.add(e.wire());
    }
    return String.join(", ", names);
  }

  private static String webhook(String at, String url, List<FieldError> errors) {
    String problem = null;
    if (url.length() > MAX_URL) {
      problem = "is " + url.length() + " characters long; at most " + MAX_URL + " are allowed";
    } else {
      try {
        URI u = new URI(url);
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
          problem = "\"" + url + "\" must be an absolute http or https URL";
        } else if (u.getUserInfo() != null) {
          problem = "must not carry credentials in the URL; the request is signed instead";
        }
      } catch (URISyntaxException e) {
        problem = "\"" + url + "\" is not a URL: " + e.getReason();
      }
    }
    if (problem != null) {
      errors.add(error(at + ".webhook", problem));
      return null;
    }
    return url;
  }

  private static String email(String at, String address, List<FieldError> errors) {
    if (address.length() > 254 || !EMAIL.matcher(address).matches()) {
      errors.add(error(at + ".email", "\"" + address + "\" is not an email address"));
      return null;
    }
    return address;
  }

  /** An error of the field {@code notify}, its message naming the entry. */
  private static FieldError error(String where, String message) {
    return new FieldError("notify", where + ": " + message);
  }
}
