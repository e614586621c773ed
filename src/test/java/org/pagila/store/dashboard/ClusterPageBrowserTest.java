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
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pagila.cluster.probe.NodeStatus;
import org.pagila.store.cluster.ClusterState;
import org.pagila.store.cluster.TestCluster;
import org.pagila.store.counter.Staff;
import org.pagila.store.failover.HealthyCluster;

/**
 * The class watches /cluster in a real browser (Debian's chromium) under a strict Content-Security-Policy while the
 * primary is SIGKILLed behind the store's back: the banner turns read-only within 1 s of the SIGKILL itself (the
 * test's clock just before it sends the signal against the page's own clock when its DOM changed: one machine, one
 * clock), then a promotion turns it back. Screenshots at 1280 and 390 px go to target/screenshots/cluster.
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
class ClusterPageBrowserTest {
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "cluster");

    @TestHTTPResource("/cluster")
    URL page;

    @TestHTTPResource("/staff/cluster")
    URL staffWay;

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
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        signInOnTheWayToTheControls(wait);
        wait.until(b -> "READ_WRITE".equals(banner("mode")) && cards("standby") == 3);
        String primary = state.view().primary().orElseThrow();
        shoot("1-healthy");

        // The SIGKILL is sent from here, so its time is the test's own: the tooling's `kill` runs two shell scripts
        // first (SIGCONT, then SIGKILL), which on a loaded machine take most of a second before the signal goes.
        Path pidFile = Path.of(TestCluster.cluster().node(primary).layout().dataDir(), "postmaster.pid");
        ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim())).orElseThrow();
        long killedAt = System.currentTimeMillis(); // no later than the signal, so the bound below is never flattered
        postmaster.destroyForcibly(); // SIGKILL, as `cluster/pagila-cluster kill` sends it: the postmaster only
        long killReturnedAt = System.currentTimeMillis();
        wait.until(b -> "READ_ONLY".equals(banner("mode")));
        long shownAt = Long.parseLong(banner("changedAt"));
        ClusterEvent lost = events.recent().stream().filter(e -> e.type() == ClusterEvent.Type.PRIMARY_LOST).reduce((a, b) -> b)
                .orElseThrow();
        System.out.printf("[cluster page] kill (signal sent within %d ms) -> store's primary-lost event %d ms -> page read-only %d ms"
                + " (event -> page %d ms)%n", killReturnedAt - killedAt, lost.at().toEpochMilli() - killedAt, shownAt - killedAt,
                shownAt - lost.at().toEpochMilli());
        assertTrue(lost.at().toEpochMilli() >= killedAt && shownAt >= lost.at().toEpochMilli(),
                "the event's time lies between the kill and the page showing it");
        // the whole chain: the store's next poll (DashboardProfile: every 250 ms) and its probe round, the page's
        // watch (every 100 ms), the push, the DOM
        assertTrue(shownAt - killedAt <= 1000, "the page turned read-only " + (shownAt - killedAt) + " ms after the SIGKILL ("
                + (lost.at().toEpochMilli() - killedAt) + " ms until the store noticed)");
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

        // the old primary comes back through the page's own control: a form posted by the page's script
        new Select(browser.findElement(By.cssSelector("form[action='/staff/cluster/demo/rejoin'] select"))).selectByValue(primary);
        browser.findElement(By.cssSelector("button[data-action='rejoin']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(180)).until(b -> List.of("done", "refused").contains(controlOutcome()));
        assertEquals("done", controlOutcome(), browser.findElement(By.id("control-result")).getText());
        wait.until(b -> timeline().contains(primary + " rejoined"));
        assertTrue(timeline().contains("Mike pressed rejoin " + primary), timeline());
        wait.until(b -> cards("standby") == 3);
        shoot("4-rejoined");

        List<LogEntry> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getMessage().contains("Content Security Policy") || e.getLevel() == Level.SEVERE)
                .filter(e -> !e.getMessage().contains("/favicon.ico")).toList(); // the store has no icon; not this page's fault
        assertTrue(violations.isEmpty(), "browser console errors: " + violations);
        assertTrue(state.view().nodes().stream().allMatch(NodeStatus::isUp), "the cluster is whole again for the next test");
    }

    /** As a staff member would: /staff/cluster, the sign-in form, back to /cluster with the demo controls on it. */
    private void signInOnTheWayToTheControls(WebDriverWait wait) {
        browser.get(staffWay.toString());
        wait.until(b -> b.getCurrentUrl().contains("/staff/sign-in"));
        browser.findElement(By.name("j_username")).sendKeys("Mike");
        browser.findElement(By.name("j_password")).sendKeys(Staff.password("Mike"));
        browser.findElement(By.cssSelector("form[action='/j_security_check'] button[type='submit']")).click();
        wait.withMessage(() -> "signed in, the browser is at " + browser.getCurrentUrl() + ", not " + page)
                .until(b -> b.getCurrentUrl().equals(page.toString()));
        assertEquals(1, browser.findElements(By.id("demo-controls")).size(), "a signed-in staff member has the controls on /cluster");
    }

    private String controlOutcome() {
        return browser.findElement(By.id("control-result")).getDomAttribute("data-outcome");
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
