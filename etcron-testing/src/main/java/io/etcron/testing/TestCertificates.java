package io.etcron.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by {@code openssl} at test run time, in a directory: {@code ca.pem}/{@code
 * ca.key}, {@code other-ca.pem}, and server certificates for 127.0.0.1 and localhost signed by
 * {@code ca}, each with its key in one of the formats openssl writes: {@code server} (P-256,
 * PKCS#8), {@code server-rsa} (RSA, PKCS#1), {@code server-ec} (P-256, SEC1 with its parameters
 * block); and client certificates on request ({@link #client}). Blocking (a few openssl runs); not
 * thread-safe.
 */
public final class TestCertificates {
  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Makes every file in {@code dir}. */
  public static TestCertificates make(Path dir) throws IOException, InterruptedException {
    TestCertificates c = new TestCertificates(dir);
    c.ca("ca");
    c.ca("other-ca");
    c.openssl(
        "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "server.key");
    c.openssl("genrsa", "-traditional", "-out", "server-rsa.key", "2048");
    c.openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "server-ec.key");
    for (String name : List.of("server", "server-rsa", "server-ec")) {
      c.signed(name, "ca");
    }
    return c;
  }

  /**
   * Makes a client certificate {@code name.pem} with its key {@code name.key} (P-256, PKCS#8),
   * signed by {@code ca} ({@code ca} or {@code other-ca}).
   */
  public TestCertificates client(String name, String ca) throws IOException, InterruptedException {
    openssl(
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        name + ".key");
    sign(name, ca, "extendedKeyUsage=clientAuth\n");
    return this;
  }

  /** The file {@code name} in the directory, e.g. {@code ca.pem}. */
  public Path file(String name) {
    return dir.resolve(name);
  }

  private void ca(String name) throws IOException, InterruptedException {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".pem",
        "-days",
        "1",
        "-subj",
        "/CN=" + name);
  }

  private void signed(String name, String ca) throws IOException, InterruptedException {
    sign(name, ca, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  }

  private void sign(String name, String ca, String extensions)
      throws IOException, InterruptedException {
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        ca + ".pem",
        "-CAkey",
        ca + ".key",
        "-CAcreateserial",
        "-out",
        name + ".pem",
        "-days",
        "1",
        "-extfile",
        name + ".ext");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("openssl", ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command) + " failed: " + Files.readString(log, StandardCharsets.UTF_8));
    }
    Files.delete(log);
  }
}
