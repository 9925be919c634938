package io.etcron.master.http;

import io.etcron.tls.TlsIdentity;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The master's HTTPS connector: TLS with the master's certificate, then HTTP/2 or HTTP/1.1 as the
 * client offers by ALPN (HTTP/1.1 for a client that offers nothing). Stateless.
 */
final class Https {
  private Https() {}

  /** A connector on {@code host:port} serving {@code identity}, for Javalin's addConnector. */
  static Connector connector(
      Server server, HttpConfiguration http, String host, int port, TlsIdentity identity) {
    http.addCustomizer(new SecureRequestCustomizer());
    HttpConnectionFactory http1 = new HttpConnectionFactory(http);
    HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(http);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http1.getProtocol());
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(identity.keyStore());
    ssl.setKeyStorePassword(identity.password());
    // HTTP/2 forbids some TLS 1.2 ciphers: offer the allowed ones first.
    ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
    SslConnectionFactory tls = new SslConnectionFactory(ssl, alpn.getProtocol());
    ServerConnector connector = new ServerConnector(server, tls, alpn, http2, http1);
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }
}
