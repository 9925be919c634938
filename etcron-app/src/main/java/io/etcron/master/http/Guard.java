package io.etcron.master.http;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Checks every request gets before routing, whatever its path:
 *
 * <ul>
 *   <li>a method-override header ({@code X-HTTP-Method-Override} and its cousins) is refused, so a
 *       GET can never act as a DELETE behind a proxy that filters by method;
 *   <li>a state-changing request from another site's page ({@code Origin} not this master's scheme,
 *       host and port, or {@code Sec-Fetch-Site: cross-site}) is refused: no cross-site request
 *       forgery;
 *   <li>without tokens (loopback mode), a {@code Host} other than a loopback name or address is
 *       refused: a page whose DNS name is rebound to 127.0.0.1 cannot reach the API.
 * </ul>
 *
 * Stateless and thread-safe.
 */
final class Guard {
  private static final List<String> OVERRIDES =
      List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

  private final boolean loopbackOnly;

  Guard(boolean loopbackOnly) {
    this.loopbackOnly = loopbackOnly;
  }

  void check(Context ctx) {
    for (String h : OVERRIDES) {
      if (ctx.header(h) != null) {
        throw ApiError.METHOD_OVERRIDE.at(
            h, h + " is not honoured: send the request with the method you mean");
      }
    }
    String host = authority(ctx);
    if (loopbackOnly && !isLoopback(authorityHost(host))) {
      throw ApiError.HOST_REFUSED.at(
          "Host",
          "this master has no tokens and answers only requests addressed to 127.0.0.1 or"
              + " localhost, not \""
              + host
              + "\"");
    }
    if (!SAFE.contains(ctx.req().getMethod().toUpperCase(Locale.ROOT))) {
      String origin = ctx.header("Origin");
      boolean crossSite = "cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"));
      if (crossSite || (origin != null && !sameOrigin(origin, ctx.scheme(), host))) {
        throw ApiError.CROSS_ORIGIN.at(
            "Origin",
            "a "
                + ctx.req().getMethod()
                + " from another site's page ("
                + Optional.ofNullable(origin).orElse("cross-site")
                + ") is refused");
      }
    }
  }

  /**
   * The authority the request is addressed to: its {@code Host} header, or over HTTP/2, which has
   * none, the {@code :authority} Jetty exposes as the server name and port.
   */
  private static String authority(Context ctx) {
    String host = ctx.header("Host");
    if (host != null) {
      return host;
    }
    String name = ctx.req().getServerName();
    if (name == null || name.isEmpty()) {
      return "";
    }
    return (name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name)
        + ":"
        + ctx.req().getServerPort();
  }

  /**
   * Host and port equal, and no http page for an https master. An https page for an http master is
   * the master behind a proxy that ends TLS, so the origin's scheme gives default ports.
   */
  static boolean sameOrigin(String origin, String scheme, String host) {
    try {
      URI o = URI.create(origin);
      String theirs = o.getScheme();
      if (theirs == null
          || o.getRawAuthority() == null
          || (scheme.equalsIgnoreCase("https") && !theirs.equalsIgnoreCase("https"))) {
        return false;
      }
      return withPort(o.getRawAuthority(), theirs).equalsIgnoreCase(withPort(host, theirs));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** {@code authority} with its scheme's default port when it names none. */
  private static String withPort(String authority, String scheme) {
    boolean hasPort =
        authority.startsWith("[") ? authority.contains("]:") : authority.contains(":");
    return hasPort ? authority : authority + (scheme.equalsIgnoreCase("https") ? ":443" : ":80");
  }

  /** The host part of {@code host[:port]} or {@code [v6][:port]}. */
  static String authorityHost(String authority) {
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(1, end);
    }
    int colon = authority.indexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }

  /** A loopback address literal or a {@code localhost} name; never asks DNS. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    boolean literal = h.matches("[0-9.]+") || h.contains(":");
    if (!literal) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
