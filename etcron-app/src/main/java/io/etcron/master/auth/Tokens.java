package io.etcron.master.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The master's bearer tokens, each with a name and a role, written {@code name:role:secret} or
 * {@code name:role:sha256:<64 hex digits>} (the SHA-256 of the secret, so that the file does not
 * hold the secret itself; {@code etcron token hash} prints it). A secret written {@code sha256:…}
 * is always read as a hash. Only hashes are kept in memory; a presented token is hashed and
 * compared with every entry in constant time. Immutable; a fixed {@link TokenSource}.
 */
public final class Tokens implements TokenSource {
  /** Shortest secret accepted. */
  public static final int MIN_SECRET = 16;

  private static final String HASHED = "sha256:";
  private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

  private record Entry(Principal principal, byte[] hash) {}

  private final List<Entry> entries;

  private Tokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static Tokens none() {
    return new Tokens(List.of());
  }

  /**
   * Parses {@code name:role:secret} and {@code name:role:sha256:<hex>} specs.
   *
   * @throws IllegalArgumentException naming the bad spec (without its secret)
   */
  public static Tokens parse(List<String> specs) {
    List<Entry> entries = new ArrayList<>();
    for (String spec : specs) {
      String[] parts = spec.split(":", 3);
      String name = parts.length > 0 ? parts[0] : "";
      if (parts.length != 3 || name.isBlank()) {
        throw new IllegalArgumentException(
            "token \""
                + name
                + "\" must be written name:role:secret (e.g. ops:operator:$(openssl rand -hex 16))"
                + " or name:role:sha256:HEX");
      }
      if (name.chars().anyMatch(Character::isISOControl) || name.length() > 64) {
        throw new IllegalArgumentException(
            "token name \"" + name + "\" must be at most 64 characters without control characters");
      }
      entries.add(new Entry(new Principal(name, Role.parse(parts[1])), hashOf(name, parts[2])));
    }
    return new Tokens(entries);
  }

  private static byte[] hashOf(String name, String secret) {
    if (secret.startsWith(HASHED)) {
      String hex = secret.substring(HASHED.length());
      if (!HEX64.matcher(hex).matches()) {
        throw new IllegalArgumentException(
            "token \""
                + name
                + "\": a hashed secret is sha256: and 64 hex digits (etcron token hash prints it)");
      }
      return HexFormat.of().parseHex(hex);
    }
    if (secret.length() < MIN_SECRET) {
      throw new IllegalArgumentException(
          "token \""
              + name
              + "\" needs a secret of at least "
              + MIN_SECRET
              + " characters (e.g. $(openssl rand -hex 16))");
    }
    return sha256(secret);
  }

  /** {@code sha256:<hex>}: how {@code secret} is written hashed in a token spec. */
  public static String hashed(String secret) {
    if (secret.length() < MIN_SECRET) {
      throw new IllegalArgumentException(
          "a secret must be at least " + MIN_SECRET + " characters (e.g. openssl rand -hex 16)");
    }
    return HASHED + HexFormat.of().formatHex(sha256(secret));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public Tokens current() {
    return this;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** How many tokens there are. */
  public int size() {
    return entries.size();
  }

  /** These tokens and {@code more}. */
  public Tokens and(Tokens more) {
    List<Entry> all = new ArrayList<>(entries);
    all.addAll(more.entries);
    return new Tokens(all);
  }

  /**
   * The principal whose secret is {@code secret}, if any. Hashes the secret once and compares it
   * with every entry, matched or not, in constant time.
   */
  public Optional<Principal> lookup(String secret) {
    byte[] given = sha256(secret);
    Principal found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.hash(), given) && found == null) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }
}
