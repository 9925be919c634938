package io.etcron.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.etcron.job.JobName;
import io.etcron.notify.DeliveryRetry;
import io.etcron.notify.NotifySettings;
import io.etcron.run.Delivery;
import io.etcron.run.Run;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.runlog.RunStores;
import io.etcron.runlog.SqlRunStore;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import io.etcron.worker.Worker;
import io.etcron.worker.record.RunRecorder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The job form's notify and sla fields, and a run page's deliveries, in headless Chromium. */
class NotificationsWebUiIT {
  @RegisterExtension final EtcdExtension etcd = EtcdExtension.singleNode();
  @TempDir Path dir;

  @Test
  void the_form_names_bad_targets_and_the_run_page_shows_its_delivery() throws Exception {
    AtomicInteger posts = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(posts.incrementAndGet() == 1 ? 500 : 200, -1);
          ex.close();
        });
    receiver.start();
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    try (SqlRunStore store = RunStores.open(RunStores.h2Url(dir));
        Master master =
            Master.start(
                MasterSettings.local(0),
                etcd.client(),
                store,
                () -> "",
                NotifySettings.DEFAULT
                    .withRetry(
                        new DeliveryRetry(
                            Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofHours(1)))
                    .withPollEvery(Duration.ofMillis(50)));
        Browser browser = new Browser()) {
      Worker worker =
          Worker.builder(etcd.newClient(), new RunRecorder(store, 200, Duration.ofMillis(50), 5000))
              .id("w1")
              .start();
      try {
        browser.driver.get(master.url() + "#/jobs/new");
        browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-name")));
        browser.driver.findElement(By.id("f-name")).sendKeys("hooked");
        browser.driver.findElement(By.id("f-command")).sendKeys("exit 4");
        browser.driver.findElement(By.id("f-schedule")).sendKeys("@every 1h");
        browser.driver.findElement(By.id("f-sla")).sendKeys("0s");
        browser.driver.findElement(By.id("f-notify")).sendKeys("failed,exploded ftp://x.example/");
        save(browser);
        browser.wait.until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("error-notify"), "notify[0].on: \"exploded\" is not one of"));
        assertThat(browser.driver.findElement(By.id("error-notify")).getText())
            .contains(
                "notify[0].webhook: \"ftp://x.example/\" must be an absolute http or https URL");
        assertThat(browser.driver.findElement(By.id("error-sla")).getText())
            .contains("sla: 0s is out of range 1s-30d");

        browser.driver.findElement(By.id("f-sla")).clear();
        browser.driver.findElement(By.id("f-sla")).sendKeys("10m");
        browser.driver.findElement(By.id("f-notify")).clear();
        browser.driver.findElement(By.id("f-notify")).sendKeys("failed " + hook);
        save(browser);
        browser.wait.until(
            ExpectedConditions.textToBePresentInElementLocated(By.id("job-title"), "hooked"));

        master.jobs().trigger(JobName.of("hooked"), "test");
        await()
            .atMost(Timing.seconds(20))
            .until(
                () ->
                    store.query(RunQuery.all().forJob("hooked").limit(1)).runs().stream()
                        .anyMatch(r -> r.state() == RunState.FAILED));
        Run run = store.query(RunQuery.all().forJob("hooked").limit(1)).runs().get(0);
        await()
            .atMost(Timing.seconds(20))
            .until(
                () ->
                    store.outbox().orElseThrow().of(run.id(), 10).stream()
                        .anyMatch(d -> d.status() == Delivery.Status.DELIVERED));
        browser.driver.get(master.url() + "#/runs/" + run.id());
        browser.wait.until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("run-notifications"), "delivered"));
        String table = browser.driver.findElement(By.id("run-notifications")).getText();
        assertThat(table).contains("failed").contains("webhook:" + hook);
        assertThat(
                browser
                    .driver
                    .findElement(By.cssSelector("#run-notifications .attempts"))
                    .getText())
            .isEqualTo("2");
        browser.screenshot("run-notifications");

        browser.driver.get(master.url() + "#/jobs/hooked/edit");
        browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-notify")));
        assertThat(browser.driver.findElement(By.id("f-notify")).getAttribute("value"))
            .isEqualTo("failed " + hook);
        assertThat(browser.driver.findElement(By.id("f-sla")).getAttribute("value"))
            .isEqualTo("10m");
      } finally {
        worker.close();
        receiver.stop(0);
      }
    }
  }

  /** Clicks Save in the middle of the window, where nothing overlaps it. */
  private static void save(Browser browser) {
    var button = browser.wait.until(ExpectedConditions.elementToBeClickable(By.id("save")));
    ((org.openqa.selenium.JavascriptExecutor) browser.driver)
        .executeScript(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", button);
  }
}
