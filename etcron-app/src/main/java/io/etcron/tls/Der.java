package io.etcron.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Just enough DER to wrap the traditional OpenSSL key formats (PKCS#1 RSA, SEC1 EC) in the PKCS#8
 * envelope the JDK reads. Stateless.
 */
final class Der {
  private static final byte SEQUENCE = 0x30;
  private static final byte OCTET_STRING = 0x04;
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
  // rsaEncryption 1.2.840.113549.1.1.1 with NULL parameters
  private static final byte[] RSA_ALGORITHM =
      tlv(
          SEQUENCE,
          concat(
              new byte[] {
                0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 1, 1, 1
              },
              new byte[] {0x05, 0x00}));
  // id-ecPublicKey 1.2.840.10045.2.1
  private static final byte[] EC_PUBLIC_KEY = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private Der() {}

  /** A PKCS#1 {@code RSAPrivateKey} as a PKCS#8 {@code PrivateKeyInfo}. */
  static byte[] rsaToPkcs8(byte[] pkcs1) {
    return tlv(SEQUENCE, concat(VERSION_0, RSA_ALGORITHM, tlv(OCTET_STRING, pkcs1)));
  }

  /**
   * A SEC1 {@code ECPrivateKey} as a PKCS#8 {@code PrivateKeyInfo}: the curve comes from the key's
   * own {@code [0] parameters}.
   *
   * @throws IllegalArgumentException when the key does not name its curve
   */
  static byte[] ecToPkcs8(byte[] sec1, String file) {
    byte[] curve = null;
    int[] outer = header(sec1, 0);
    int at = outer[0];
    while (at < outer[0] + outer[1]) {
      int[] h = header(sec1, at);
      if ((sec1[at] & 0xff) == 0xa0) {
        curve = Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
      }
      at = h[0] + h[1];
    }
    if (curve == null) {
      throw new IllegalArgumentException(
          "the EC key in "
              + file
              + " does not name its curve: convert it with openssl pkcs8"
              + " -topk8 -nocrypt");
    }
    return tlv(
        SEQUENCE,
        concat(VERSION_0, tlv(SEQUENCE, concat(EC_PUBLIC_KEY, curve)), tlv(OCTET_STRING, sec1)));
  }

  /** {@code {contentStart, contentLength}} of the element whose tag is at {@code at}. */
  private static int[] header(byte[] der, int at) {
    try {
      int first = der[at + 1] & 0xff;
      if (first < 0x80) {
        return new int[] {at + 2, first};
      }
      int n = first & 0x7f;
      if (n == 0 || n > 3) {
        throw new IllegalArgumentException("unsupported DER length");
      }
      int length = 0;
      for (int i = 0; i < n; i++) {
        length = (length << 8) | (der[at + 2 + i] & 0xff);
      }
      if (at + 2 + n + length > der.length) {
        throw new IllegalArgumentException("truncated DER");
      }
      return new int[] {at + 2 + n, length};
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated DER");
    }
  }

  private static byte[] tlv(byte tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
