/**
 * TLS material from PEM files as operators have them ({@code openssl} output): a server's
 * certificate chain and private key as a {@link io.etcron.tls.TlsIdentity}, and a CA bundle to
 * trust as an {@link javax.net.ssl.SSLContext} ({@link io.etcron.tls.Pem}).
 *
 * <p>Depends on the JDK only; the master's HTTP layer and the CLI depend on it.
 */
package io.etcron.tls;
