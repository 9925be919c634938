package io.etcron.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcron.master.auth.Tokens;
import io.etcron.run.InMemoryRunStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.TestCertificates;
import io.etcron.tls.Pem;
import io.etcron.tls.TlsIdentity;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web UI served over HTTPS in headless Chromium, which accepts the master's key (pinned by its
 * SPKI hash, nothing else): the page loads over HTTP/2, signs in and pauses a job, a write whose
 * Origin is the https page.
 */
class WebUiTlsIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir static Path dir;

  static final String OPERATOR = "operator-secret-0123456789";
  static Master master;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    TestCertificates certs = TestCertificates.make(dir);
    master =
        Master.start(
            MasterSettings.local(0)
                .withTls(
                    Optional.of(
                        TlsIdentity.load(certs.file("server.pem"), certs.file("server.key"))))
                .withTokens(Tokens.parse(List.of("olga:operator:" + OPERATOR))),
            etcd.client(),
            new InMemoryRunStore(),
            () -> "");
    byte[] spki =
        Pem.certificates(certs.file("server.pem"), "cert").get(0).getPublicKey().getEncoded();
    String pin =
        Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
    browser = new Browser("--ignore-certificate-errors-spki-list=" + pin);
    master
        .jobs()
        .put(
            io.etcron.job.Job.from(
                io.etcron.job.JobSpecs.spec("tls-ui-job", "@every 1h", "true"),
                java.time.Instant.now()),
            io.etcron.job.JobStore.ABSENT,
            "test");
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    master.close();
  }

  @Test
  void the_ui_signs_in_and_pauses_a_job_over_https_and_http2() throws Exception {
    browser.driver.get(master.url() + "#/jobs");
    browser
        .wait
        .until(ExpectedConditions.visibilityOfElementLocated(By.id("token")))
        .sendKeys(OPERATOR);
    browser.driver.findElement(By.cssSelector("#sign-in button")).click();
    browser.wait.until(ExpectedConditions.elementToBeClickable(By.id("pause-tls-ui-job"))).click();
    browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("resume-tls-ui-job")));
    browser.screenshot("jobs-over-https");
    Object protocol =
        ((JavascriptExecutor) browser.driver)
            .executeScript("return performance.getEntriesByType('navigation')[0].nextHopProtocol");
    assertThat(protocol).isEqualTo("h2");
    assertThat(
            master.jobs().get(io.etcron.job.JobName.of("tls-ui-job")).orElseThrow().job().paused())
        .isTrue();
  }
}
