package io.etcron.notify;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Etcron-Signature} of a webhook body: {@code sha256=} and the hex HMAC-SHA256 of the
 * exact body bytes with the masters' shared secret. A receiver computes the same over the bytes it
 * read and compares in constant time. Stateless.
 */
public final class Signature {
  /** The header carrying it. */
  public static final String HEADER = "X-Etcron-Signature";

  private Signature() {}

  /** {@code sha256=HEX} of {@code body} under {@code secret}. */
  public static String of(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
    }
  }
}
