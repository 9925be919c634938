package io.etcron.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcron.job.JobName;
import io.etcron.master.auth.Tokens;
import io.etcron.run.InMemoryRunStore;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.testing.EtcdExtension;
import io.etcron.testing.Timing;
import io.etcron.worker.Worker;
import io.etcron.worker.record.RunRecorder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** The web UI in headless Chromium against a real master, worker and etcd. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {
  @RegisterExtension static final EtcdExtension etcd = EtcdExtension.singleNode();

  static final InMemoryRunStore store = new InMemoryRunStore();
  static final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  static Master master;
  static Master guarded;
  static Worker worker;
  static Browser browser;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    master = Master.start(MasterSettings.local(0), etcd.client(), store, registry::scrape);
    guarded =
        Master.start(
            MasterSettings.local(0)
                .withTokens(
                    Tokens.parse(
                        List.of(
                            "vic:viewer:viewer-secret-0123456789",
                            "olga:operator:operator-secret-0123456789"))),
            etcd.newClient(),
            store,
            () -> "");
    worker =
        Worker.builder(etcd.client(), new RunRecorder(store, 200, Duration.ofMillis(50), 5000))
            .id("ui-worker")
            .metrics(registry)
            .killGrace(Duration.ofSeconds(2))
            .start();
    browser = new Browser();
    base = "http://127.0.0.1:" + master.port();
  }

  @AfterAll
  static void stop() {
    browser.close();
    worker.close();
    guarded.close();
    master.close();
  }

  private WebElement byId(String id) {
    return browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  /**
   * Clicks an element after scrolling it to the middle of the window (nothing overlaps it there).
   */
  private void click(String id) {
    WebElement e = browser.wait.until(ExpectedConditions.elementToBeClickable(By.id(id)));
    ((JavascriptExecutor) browser.driver)
        .executeScript("arguments[0].scrollIntoView({block: 'center'});", e);
    try {
      e.click();
    } catch (org.openqa.selenium.ElementClickInterceptedException covered) {
      ((JavascriptExecutor) browser.driver).executeScript("arguments[0].click();", e);
    }
  }

  private void open(String hash) {
    browser.driver.get(base + "/#" + hash);
  }

  private Run newestRun(String job) {
    return store.all().stream()
        .filter(r -> r.job().equals(job))
        .max((a, b) -> a.fireTime().compareTo(b.fireTime()))
        .orElseThrow();
  }

  @Test
  @Order(1)
  void a_job_made_in_the_form_shows_field_errors_then_runs_and_its_output_arrives_live() {
    open("/jobs/new");
    byId("f-name").sendKeys("ui-job");
    byId("f-command").sendKeys("for i in 1 2 3 4; do echo line-$i; sleep 1; done");
    byId("f-schedule").sendKeys("0 61 * * * *");
    byId("f-user").sendKeys("Bad User");
    byId("f-limits.openFiles").sendKeys("0");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("error-schedule"), "minute 61 is out of range 0-59"));
    click("save");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("flash-message"), "fix the fields"));
    assertThat(byId("error-schedule").getText()).contains("minute 61 is out of range 0-59");
    assertThat(byId("error-user").getText()).contains("is not a user or group name");
    assertThat(byId("error-limits").getText()).contains("openFiles 0 is out of range");
    browser.screenshot("job-form-with-error");
    byId("f-user").clear();
    byId("f-limits.openFiles").clear();
    byId("f-limits.openFiles").sendKeys("512");

    WebElement schedule = byId("f-schedule");
    schedule.clear();
    schedule.sendKeys("@every 1h");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("preview-words"), "every 1h"));
    click("save");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("job-title"), "ui-job"));
    assertThat(browser.driver.findElement(By.tagName("table")).getText())
        .contains("Limits {\"openFiles\":512}");

    open("/jobs");
    click("trigger-ui-job");
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                store.all().stream()
                    .anyMatch(r -> r.job().equals("ui-job") && r.state() == RunState.RUNNING));
    open("/runs/" + newestRun("ui-job").id());
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("output"), "line-1"));
    assertThat(byId("run-state").getText()).isEqualTo("running");
    browser.screenshot("run-live");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("output"), "line-4"));
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("run-state"), "succeeded"));
    browser.screenshot("run-finished");
  }

  @Test
  @Order(2)
  void pause_and_resume_from_the_jobs_table() {
    open("/jobs");
    click("pause-ui-job");
    browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("resume-ui-job")));
    assertThat(
            browser.driver.findElement(By.cssSelector("tr[data-job='ui-job'] .paused")).getText())
        .isEqualTo("paused");
    click("resume-ui-job");
    browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pause-ui-job")));
    browser.screenshot("jobs");
  }

  @Test
  @Order(3)
  void a_long_run_is_killed_from_the_ui() {
    master
        .jobs()
        .put(
            io.etcron.job.JobSpecs.job("long-ui", "@every 1h", "sleep 300"),
            io.etcron.job.JobStore.ANY_VERSION,
            "test");
    master.jobs().trigger(JobName.of("long-ui"), "test");
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                store.all().stream()
                    .anyMatch(r -> r.job().equals("long-ui") && r.state() == RunState.RUNNING));
    open("/jobs");
    click("kill-long-ui");
    browser.wait.until(ExpectedConditions.alertIsPresent()).accept();
    await().atMost(Timing.seconds(20)).until(() -> newestRun("long-ui").state() == RunState.KILLED);
    open("/jobs/long-ui");
    browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("timeline")));
    browser.screenshot("job-page");
  }

  @Test
  @Order(4)
  void output_and_user_strings_are_shown_as_text_never_as_html() {
    master
        .jobs()
        .put(
            io.etcron.job.Job.from(
                io.etcron.job.JobSpecs.of(
                        "xss",
                        "@every 1h",
                        "echo '<script>window.pwned=1</script><b id=bold>bold</b>'")
                    .description("<img src=x onerror=window.pwned=2>")
                    .build(),
                java.time.Instant.now()),
            io.etcron.job.JobStore.ANY_VERSION,
            "test");
    master.jobs().trigger(JobName.of("xss"), "test");
    await()
        .atMost(Timing.seconds(20))
        .until(
            () ->
                store.all().stream()
                    .anyMatch(r -> r.job().equals("xss") && r.state() == RunState.SUCCEEDED));
    open("/runs/" + newestRun("xss").id());
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("output"), "<script>window.pwned=1</script>"));
    open("/jobs/xss");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("view"), "<img src=x onerror=window.pwned=2>"));
    Object pwned =
        ((JavascriptExecutor) browser.driver)
            .executeScript("return window.pwned === undefined ? null : window.pwned;");
    assertThat(pwned).isNull();
    assertThat(browser.driver.findElements(By.id("bold"))).isEmpty();
  }

  @Test
  @Order(5)
  void runs_and_workers_pages() {
    open("/runs");
    browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("a.run-link")));
    new Select(byId("state-filter")).selectByValue("killed");
    // The table re-renders as it refreshes: a row found before a refresh is stale after it, and
    // the next poll looks again.
    browser.wait.until(
        d -> {
          try {
            return d.findElements(By.cssSelector("tr[data-run]")).stream()
                .allMatch(r -> r.getText().contains("killed"));
          } catch (StaleElementReferenceException e) {
            return false;
          }
        });
    browser.screenshot("runs");
    open("/workers");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("workers-body"), "ui-worker"));
    browser.screenshot("workers");
  }

  @Test
  @Order(6)
  void delete_asks_first_then_removes_the_job() {
    open("/jobs");
    click("delete-ui-job");
    browser.wait.until(ExpectedConditions.alertIsPresent()).dismiss();
    assertThat(browser.driver.findElements(By.id("delete-ui-job"))).isNotEmpty();
    click("delete-ui-job");
    browser.wait.until(ExpectedConditions.alertIsPresent()).accept();
    browser.wait.until(
        ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-job='ui-job']")));
    assertThat(master.jobs().get(JobName.of("ui-job"))).isEmpty();
  }

  @Test
  @Order(7)
  void the_ui_asks_for_a_token_and_hides_what_the_role_may_not_do() {
    String guardedBase = "http://127.0.0.1:" + guarded.port();
    browser.driver.get(guardedBase + "/#/jobs");
    byId("token").sendKeys("viewer-secret-0123456789");
    browser.driver.findElement(By.cssSelector("#sign-in button")).click();
    browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("jobs")));
    browser.screenshot("signed-in-viewer");
    assertThat(browser.driver.findElements(By.id("new-job"))).isEmpty();
    assertThat(browser.driver.findElements(By.id("pause-xss"))).isEmpty();
    click("sign-out");
    byId("token").sendKeys("operator-secret-0123456789");
    browser.driver.findElement(By.cssSelector("#sign-in button")).click();
    browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pause-xss")));
    assertThat(browser.driver.findElements(By.id("delete-xss"))).isEmpty();
  }

  @Test
  @Order(8)
  void metrics_count_fires_runs_and_lateness() throws Exception {
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(value(metrics, "etcron_fires_claimed_total")).isGreaterThanOrEqualTo(3);
    assertThat(value(metrics, "etcron_runs_total{outcome=\"succeeded\"}"))
        .isGreaterThanOrEqualTo(2);
    assertThat(value(metrics, "etcron_runs_total{outcome=\"killed\"}")).isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "etcron_fire_lateness_seconds_count")).isGreaterThanOrEqualTo(3);
    assertThat(metrics)
        .contains("etcron_fire_lateness_seconds_bucket")
        .contains("etcron_claim_latency_seconds_count")
        .contains("etcron_lease_keepalive_latency_seconds_count")
        .contains("etcron_runstore_queue_depth");
  }

  @Test
  @Order(9)
  void links_with_query_strings_and_a_job_named_new_open_their_pages() throws Exception {
    HttpTestClient api = new HttpTestClient(base, null);
    assertThat(
            api.put("/api/v1/jobs/new", "{\"schedule\":\"@daily\",\"command\":\"true\"}").status())
        .isEqualTo(201);
    open("/jobs");
    browser.wait.until(
        ExpectedConditions.elementToBeClickable(By.cssSelector("tr[data-job='new'] a.job-link")));
    ((JavascriptExecutor) browser.driver)
        .executeScript("document.querySelector(\"tr[data-job='new'] a.job-link\").click();");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("job-title"), "new"));
    assertThat(browser.driver.findElements(By.id("job-form"))).isEmpty();

    open("/jobs/new");
    byId("job-form");

    open("/runs?state=killed");
    browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("a.run-link")));
    assertThat(byId("state-filter").getAttribute("value")).isEqualTo("killed");
    assertThat(browser.driver.findElements(By.cssSelector("tr[data-run] .badge")))
        .isNotEmpty()
        .allMatch(b -> b.getText().equals("killed"));
    browser.screenshot("runs-filtered-by-link");
  }

  @Test
  @Order(10)
  void a_live_run_resumes_after_the_master_restarts_and_shows_each_line_once() throws Exception {
    Master first = Master.start(MasterSettings.local(0), etcd.newClient(), store, () -> "");
    int port = first.port();
    Master second = null;
    try {
      HttpTestClient api = new HttpTestClient("http://127.0.0.1:" + port, null);
      api.put(
          "/api/v1/jobs/resume-ui",
          "{\"schedule\":\"@every 1h\",\"command\":\"for i in 1 2 3 4 5 6 7 8; do echo out-$i;"
              + " sleep 0.5; done\"}");
      api.post("/api/v1/jobs/resume-ui/trigger");
      await()
          .atMost(Timing.seconds(20))
          .until(
              () ->
                  store.all().stream()
                      .anyMatch(r -> r.job().equals("resume-ui") && r.state() == RunState.RUNNING));
      browser.driver.get("http://127.0.0.1:" + port + "/#/runs/" + newestRun("resume-ui").id());
      browser.wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("output"), "out-2"));
      first.close();
      second = Master.start(MasterSettings.local(port), etcd.newClient(), store, () -> "");
      browser.wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("run-state"), "succeeded"));
      List<String> lines = byId("output").getText().lines().toList();
      assertThat(lines)
          .containsExactly("out-1", "out-2", "out-3", "out-4", "out-5", "out-6", "out-7", "out-8");
      browser.screenshot("run-resumed");
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  @Order(11)
  void a_slow_page_never_mounts_over_a_newer_one() {
    open("/workers");
    byId("workers");
    ((JavascriptExecutor) browser.driver)
        .executeScript(
            "location.hash = '#/jobs/xss';"
                + " setTimeout(() => { location.hash = '#/workers'; }, 0);");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Timing.seconds(10))
        .until(
            () ->
                !browser.driver.findElements(By.id("workers")).isEmpty()
                    && browser.driver.findElements(By.id("job-title")).isEmpty());
  }

  @Test
  @Order(12)
  void a_long_job_list_grows_a_page_at_a_time() {
    for (int i = 0; i < 130; i++) {
      master
          .jobs()
          .put(
              io.etcron.job.JobSpecs.job(String.format("zz-more-%03d", i), "@every 1h", "true"),
              io.etcron.job.JobStore.ANY_VERSION,
              "test");
    }
    open("/jobs");
    byId("filter").sendKeys("zz-more");
    By rows = By.cssSelector("#jobs-body tr[data-job]");
    browser.wait.until(ExpectedConditions.numberOfElementsToBe(rows, 100));
    assertThat(byId("show-more").getText()).contains("100 shown");
    click("show-more");
    browser.wait.until(ExpectedConditions.numberOfElementsToBe(rows, 130));
    browser.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("show-more")));
    byId("filter").clear();
    ((JavascriptExecutor) browser.driver).executeScript("sessionStorage.clear()");
  }

  @Test
  @Order(13)
  void
      run_with_shows_field_errors_beside_their_row_then_runs_and_the_run_page_shows_the_parameter() {
    master
        .jobs()
        .put(
            io.etcron.job.Job.from(
                io.etcron.job.JobSpecs.of("params-ui", "@every 1h", "echo \"$GREETING\"")
                    .env(java.util.Map.of("GREETING", "from the job"))
                    .build(),
                java.time.Instant.now()),
            io.etcron.job.JobStore.ANY_VERSION,
            "test");
    open("/jobs/params-ui");
    click("run-with");
    byId("run-with-dialog");
    byId("param-key-0").sendKeys("ETCRON_JOB");
    byId("param-value-0").sendKeys("x");
    click("param-add");
    byId("param-key-1").sendKeys("OK");
    byId("param-value-1").sendKeys("fine");
    click("run-with-submit");
    // The error is shown beside the row it is about, and nothing was asked for.
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("param-error-0"), "env.ETCRON_JOB: ETCRON_JOB is reserved"));
    assertThat(browser.driver.findElement(By.id("param-error-1")).getText()).isEmpty();
    browser.screenshot("run-with-error");
    assertThat(store.all().stream().filter(r -> r.job().equals("params-ui"))).isEmpty();
    WebElement key = byId("param-key-0");
    key.clear();
    key.sendKeys("GREETING");
    WebElement value = byId("param-value-0");
    value.clear();
    value.sendKeys("hi");
    click("run-with-submit");
    // The run's page opens (waiting for a worker's claim if need be) and shows the parameters.
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("run-state"), "succeeded"));
    assertThat(byId("run-params").getText()).contains("GREETING hi").contains("OK fine");
    assertThat(byId("output").getText()).isEqualTo("hi");
    assertThat(browser.driver.findElements(By.id("run-with-dialog"))).isEmpty();
    Run run = newestRun("params-ui");
    assertThat(run.params()).isEqualTo(java.util.Map.of("GREETING", "hi", "OK", "fine"));
    assertThat(browser.driver.getCurrentUrl()).contains("#/runs/params-ui%40");
    browser.screenshot("run-with-params");
  }

  private static double value(String metrics, String series) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(series + " ") || l.startsWith(series.replace("}", ",")))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  @Order(14)
  void an_http_job_made_in_the_form_shows_its_field_errors_then_calls_its_url() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<String> received =
        new java.util.concurrent.LinkedBlockingQueue<>();
    com.sun.net.httpserver.HttpServer target =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext(
        "/hook",
        x -> {
          received.add(x.getRequestMethod() + " " + x.getRequestHeaders().getFirst("X-Ui"));
          byte[] body = "hooked".getBytes(java.nio.charset.StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    target.start();
    try {
      open("/jobs/new");
      byId("f-name").sendKeys("ui-http");
      click("f-kind-http");
      assertThat(browser.driver.findElement(By.id("f-command")).isDisplayed()).isFalse();
      assertThat(browser.driver.findElement(By.id("f-user")).isDisplayed()).isFalse();
      byId("f-http.url").sendKeys("ftp://example.com/x");
      byId("f-http.headers").sendKeys("Bad Name: x");
      byId("f-http.expectStatus").sendKeys("200, 7xx");
      byId("f-schedule").sendKeys("@every 1h");
      click("save");
      browser.wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("flash-message"), "fix the fields"));
      assertThat(byId("error-http.url").getText()).contains("must be an absolute http://");
      assertThat(byId("error-http.headers").getText()).contains("is not a header name");
      assertThat(byId("error-http.expectStatus").getText())
          .contains("\"7xx\" is not a status class");
      browser.screenshot("http-job-form-with-errors");

      byId("f-http.url").clear();
      byId("f-http.url").sendKeys("http://127.0.0.1:" + target.getAddress().getPort() + "/hook");
      byId("f-http.headers").clear();
      byId("f-http.headers").sendKeys("X-Ui: from the form");
      byId("f-http.expectStatus").clear();
      byId("f-http.expectStatus").sendKeys("200, 3xx");
      new Select(byId("f-http.method")).selectByValue("POST");
      click("save");
      browser.wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("job-title"), "ui-http"));
      assertThat(browser.driver.findElement(By.tagName("table")).getText())
          .contains("HTTP request")
          .contains("\"method\":\"POST\"");

      open("/jobs");
      click("trigger-ui-http");
      assertThat(received.poll(20, java.util.concurrent.TimeUnit.SECONDS))
          .isEqualTo("POST from the form");
      await()
          .atMost(Timing.seconds(20))
          .until(() -> newestRun("ui-http").state() == RunState.SUCCEEDED);
      open("/runs/" + newestRun("ui-http").id());
      browser.wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("output"), "HTTP/1.1 200"));
      assertThat(byId("output").getText()).contains("hooked");
    } finally {
      target.stop(0);
    }
  }

  @Test
  @Order(15)
  void a_job_made_in_the_form_runs_after_its_parent_and_the_run_pages_link_each_other()
      throws Exception {
    HttpTestClient api = new HttpTestClient(base, null);
    assertThat(
            api.put(
                    "/api/v1/jobs/ui-parent",
                    "{\"schedule\":\"@every 1h\",\"command\":\"echo parent\"}")
                .status())
        .isEqualTo(201);
    open("/jobs/new");
    byId("f-name").sendKeys("ui-child");
    byId("f-command").sendKeys("echo child");
    byId("f-after.jobs").sendKeys("ui-parent");
    new Select(byId("f-after.on")).selectByValue("success");
    click("save");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("job-title"), "ui-child"));
    WebElement parentBox =
        browser.wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#job-graph a[href='#/jobs/ui-parent']")));
    assertThat(parentBox.getDomProperty("textContent")).contains("ui-parent");
    assertThat(byId("job-graph").getDomProperty("textContent")).contains("ui-child", "success");
    assertThat(byId("spec-after").getText()).isEqualTo("ui-parent (on success)");
    browser.screenshot("job-graph");

    open("/jobs/new");
    byId("f-name").sendKeys("ui-orphan");
    byId("f-command").sendKeys("true");
    byId("f-after.jobs").sendKeys("ui-parent, no-such-job");
    click("save");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("error-after"), "after.jobs[1]: no job named \"no-such-job\""));
    assertThat(master.jobs().get(JobName.of("ui-orphan"))).isEmpty();
    browser.screenshot("job-form-after-error");

    open("/jobs");
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("tr[data-job='ui-child']"), "after ui-parent"));

    // The worker runs the parent, then the child after it; each run's page links the other.
    api.post("/api/v1/jobs/ui-parent/trigger");
    await()
        .atMost(Timing.seconds(30))
        .until(
            () ->
                store.all().stream()
                    .anyMatch(r -> r.job().equals("ui-child") && r.state().isTerminal()));
    Run child = newestRun("ui-child");
    Run parent = newestRun("ui-parent");
    assertThat(child.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(child.id().toString()).endsWith("~after~" + parent.id());
    open("/runs/" + child.id());
    byId("run-parent");
    click("run-parent");
    WebElement childLink =
        browser.wait.until(
            ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#run-children a")));
    assertThat(browser.driver.getCurrentUrl())
        .endsWith("#/runs/" + parent.id().toString().replace("@", "%40"));
    assertThat(childLink.getDomAttribute("title")).isEqualTo(child.id().toString());
    browser.screenshot("run-children");
  }
}
