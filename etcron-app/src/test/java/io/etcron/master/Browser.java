package io.etcron.master;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from Debian's packages, driven by the system chromedriver: nothing downloaded.
 */
final class Browser implements AutoCloseable {
  final WebDriver driver;
  final WebDriverWait wait;
  private final Path screenshots;

  Browser() {
    this(new String[0]);
  }

  /** With more Chromium arguments, e.g. a certificate to accept. */
  Browser(String... more) {
    try {
      ChromeOptions o = new ChromeOptions();
      o.setBinary("/usr/bin/chromium");
      o.addArguments(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--window-size=1500,1300",
          "--user-data-dir=" + Files.createTempDirectory("chrome"),
          "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost");
      o.addArguments(more);
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(new File("/usr/bin/chromedriver"))
              .usingAnyFreePort()
              .build();
      this.driver = new ChromeDriver(service, o);
      this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      this.screenshots = Path.of("target", "screenshots");
      Files.createDirectories(screenshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Saves a screenshot as target/screenshots/{name}.png (a build artifact). */
  void screenshot(String name) {
    try {
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(
          shot.toPath(),
          screenshots.resolve(name + ".png"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
