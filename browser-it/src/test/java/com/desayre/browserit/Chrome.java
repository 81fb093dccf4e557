package com.desayre.browserit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The test JVM's one headless Chromium, shared by every test (a browser start costs a second or two of CPU; a fresh
 * cookie jar per test is a CDP call). Debian's {@code chromium} and {@code chromium-driver} by explicit paths, so
 * Selenium Manager never looks for, or downloads, a browser. {@code -Dbrowser.chromium=} and
 * {@code -Dbrowser.chromedriver=} point elsewhere.
 */
final class Chrome {
    private static final Path BROWSER = Path.of(System.getProperty("browser.chromium", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));

    /** Selenium looks for its CDP classes of this Chromium's version, and warns that it has none: the suite needs none. */
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private static ChromeDriver running;

    private Chrome() {
    }

    static synchronized ChromeDriver get() {
        if (running == null) {
            running = start();
            Runtime.getRuntime().addShutdownHook(new Thread(running::quit));
        }
        return running;
    }

    /** A profile folder of this JVM's own under target/: two test JVMs (desayre.it.forks=2) cannot share one. */
    private static Path profile() {
        try {
            return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "chromium-profile-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ChromeDriver start() {
        for (var needed : List.of(BROWSER, DRIVER)) {
            if (!Files.isExecutable(needed)) {
                // never a skipped test: a machine without the browser fails and says what to install
                throw new IllegalStateException("The browser tests need Chromium and its WebDriver, and " + needed + " is missing:"
                        + " install them with 'apt-get install chromium chromium-driver' (Debian; .ci/run does this), or point"
                        + " -Dbrowser.chromium= and -Dbrowser.chromedriver= at a Chromium and the chromedriver of the same version.");
            }
        }
        var options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--hide-scrollbars",
                "--disable-extensions", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-sync", "--mute-audio", "--lang=en-US", "--window-size=1280,900",
                "--user-data-dir=" + profile());
        var extra = System.getProperty("browser.args", "");
        if (!extra.isBlank()) {
            options.addArguments(extra.strip().split("\\s+"));
        }
        var logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US"));
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).withSilent(true).build();
        var driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30)).pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }
}
