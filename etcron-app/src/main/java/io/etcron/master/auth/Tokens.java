package io.etcron.master.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The master's bearer tokens, each with a name and a role, written {@code name:role:secret}.
 * Secrets are compared in constant time. Immutable.
 */
public final class Tokens {
  private record Entry(Principal principal, byte[] secret) {}

  private final List<Entry> entries;

  private Tokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static Tokens none() {
    return new Tokens(List.of());
  }

  /**
   * Parses {@code name:role:secret} specs.
   *
   * @throws IllegalArgumentException naming the bad spec (without its secret)
   */
  public static Tokens parse(List<String> specs) {
    List<Entry> entries = new ArrayList<>();
    for (String spec : specs) {
      String[] parts = spec.split(":", 3);
      if (parts.length != 3 || parts[0].isBlank() || parts[2].length() < 16) {
        throw new IllegalArgumentException(
            "token \""
                + (parts.length > 0 ? parts[0] : "")
                + "\" must be written name:role:secret with a secret of"
                + " at least 16 characters (e.g. ops:operator:$(openssl rand -hex 16))");
      }
      if (parts[0].chars().anyMatch(c -> c == ':' || Character.isISOControl(c))
          || parts[0].length() > 64) {
        throw new IllegalArgumentException(
            "token name \""
                + parts[0]
                + "\" must be at most 64 characters without control characters");
      }
      entries.add(
          new Entry(
              new Principal(parts[0], Role.parse(parts[1])),
              parts[2].getBytes(StandardCharsets.UTF_8)));
    }
    return new Tokens(entries);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The principal whose secret is {@code secret}, if any. */
  public Optional<Principal> lookup(String secret) {
    byte[] given = secret.getBytes(StandardCharsets.UTF_8);
    Principal found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.secret(), given)) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }
}
