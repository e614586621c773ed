package org.pagila.store.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagila.store.web.Prerequisite;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.store.cluster.ClusterState;
import org.pagila.store.cluster.TestCluster;
import org.pagila.store.failover.HealthyCluster;

/**
 * The class watches /cluster in a real browser (Debian's chromium) under a strict Content-Security-Policy while the
 * primary is SIGKILLed behind the store's back: the banner turns read-only within 1 s of the store's primary-lost
 * event (timed by the page itself when its DOM changed; the kill's own time is printed too), then a promotion turns
 * it back. Screenshots at 1280
 * and 390 px go to target/screenshots/cluster.
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
class ClusterPageBrowserTest {
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "cluster");

    @TestHTTPResource("/cluster")
    URL page;

    @Inject
    ClusterState state;

    @Inject
    ClusterEvents events;

    WebDriver browser;

    @BeforeEach
    void openBrowser() throws Exception {
        Prerequisite.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "chromium and chromium-driver (apt-get install chromium chromium-driver) for the /cluster browser test");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
        HealthyCluster.ensure(); // whatever happened, the next test of this profile starts from a whole cluster
    }

    @Test
    void theClassSeesTheKillWithinASecondThenThePromotion() throws Exception {
        HealthyCluster.ensure();
        browser.get(page.toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(b -> "READ_WRITE".equals(banner("mode")) && cards("standby") == 3);
        String primary = state.view().primary().orElseThrow();
        shoot("1-healthy");

        long killedAt = System.currentTimeMillis();
        TestCluster.cluster().kill(primary);
        wait.until(b -> "READ_ONLY".equals(banner("mode")));
        long shownAt = Long.parseLong(banner("changedAt"));
        long storeSawAt = Long.parseLong(banner("checkedAt"));
        ClusterEvent lost = events.recent().stream().filter(e -> e.type() == ClusterEvent.Type.PRIMARY_LOST).reduce((a, b) -> b)
                .orElseThrow();
        System.out.printf("[cluster page] kill -> store noticed %d ms, -> page read-only %d ms (event -> page %d ms)%n",
                storeSawAt - killedAt, shownAt - killedAt, shownAt - lost.at().toEpochMilli());
        // The page's own latency is bounded by 1 s from the store's event; how soon the store notices the kill is
        // its poll interval (250 ms here) plus a probe round, which a loaded machine stretches: bounded, not hung.
        assertTrue(shownAt - lost.at().toEpochMilli() <= 1000, "the page turned read-only "
                + (shownAt - lost.at().toEpochMilli()) + " ms after the store's primary-lost event");
        assertTrue(lost.at().toEpochMilli() >= killedAt && shownAt >= lost.at().toEpochMilli(),
                "the event's time lies between the kill and the page showing it");
        assertTrue(lost.at().toEpochMilli() - killedAt <= 5000, "the store noticed the kill within 5 s");
        assertEquals("down", card(primary, "role"));
        assertTrue(timeline().contains("primary " + primary + " lost"), timeline());
        shoot("2-read-only");

        long promoteAt = System.currentTimeMillis();
        String promoted = TestCluster.cluster().promote(Optional.empty());
        long promotedAt = System.currentTimeMillis();
        wait.until(b -> "READ_WRITE".equals(banner("mode")));
        long writableShownAt = Long.parseLong(banner("changedAt"));
        System.out.printf("[cluster page] promote %s took %d ms; page writable %d ms after it returned%n",
                promoted, promotedAt - promoteAt, writableShownAt - promotedAt);
        wait.until(b -> "primary".equals(card(promoted, "role")));
        assertTrue(timeline().contains(promoted + " promoted"), timeline());
        assertTrue(timeline().contains("store writable again"), timeline());
        shoot("3-promoted");

        TestCluster.cluster().rejoin(primary);
        wait.until(b -> timeline().contains(primary + " rejoined"));
        wait.until(b -> cards("standby") == 3);
        shoot("4-rejoined");

        List<LogEntry> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getMessage().contains("Content Security Policy") || e.getLevel() == Level.SEVERE)
                .filter(e -> !e.getMessage().contains("/favicon.ico")).toList(); // the store has no icon; not this page's fault
        assertTrue(violations.isEmpty(), "browser console errors: " + violations);
        assertTrue(state.view().nodes().stream().allMatch(NodeStatus::isUp), "the cluster is whole again for the next test");
    }

    private String banner(String data) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "return document.getElementById('mode-banner').dataset[arguments[0]] || null", data);
    }

    private long cards(String role) {
        return browser.findElements(By.cssSelector(".node-card[data-role='" + role + "']")).size();
    }

    private String card(String node, String field) {
        return browser.findElement(By.cssSelector(".node-card[data-node='" + node + "'] [data-field='" + field + "']")).getText().toLowerCase();
    }

    private String timeline() {
        return browser.findElement(By.id("events")).getText();
    }

    private void shoot(String name) throws Exception {
        for (int width : new int[] {1280, 390}) {
            long height = (Long) ((JavascriptExecutor) browser).executeScript("return Math.max(document.body.scrollHeight, 600)");
            browser.manage().window().setSize(new Dimension(width, (int) Math.min(height + 140, 4000)));
            Thread.sleep(300); // the sparklines follow the new width on the next push
            Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + "-" + width + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
        browser.manage().window().setSize(new Dimension(1280, 900));
    }
}
