package org.pagila.store.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A staff member at the counter in a real browser (Debian's chromium, headless): sign in, find a customer, rent a
 * film, see it among the customer's open rentals, return it. Screenshots of every step, at desktop and phone width,
 * go to target/screenshots/counter.
 */
@QuarkusTest
class CounterBrowserTest {
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "counter");

    @TestHTTPResource("/")
    URL root;

    WebDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void openBrowser() throws Exception {
        org.pagila.store.web.Prerequisite.require(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "chromium and chromedriver are not installed (apt-get install chromium chromium-driver): browser test");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,900");
        // An explicit driver: Selenium Manager never looks for or downloads one.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void signInFindACustomerRentAFilmSeeItOutAndReturnIt() throws Exception {
        browser.get(url("/staff"));
        wait.until(ExpectedConditions.urlContains("/staff/sign-in"));
        shoot("1-sign-in");
        browser.findElement(By.name("j_username")).sendKeys("Mike");
        browser.findElement(By.name("j_password")).sendKeys(Staff.password("Mike"));
        browser.findElement(By.cssSelector("form[action='/j_security_check'] button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Counter"));
        shoot("2-counter");

        browser.findElement(By.cssSelector("form[action='/staff/customers'] input[name=q]")).sendKeys("PATRICIA JOHNSON");
        browser.findElement(By.cssSelector("form[action='/staff/customers'] button")).click();
        wait.until(ExpectedConditions.urlContains("/staff/customers?q="));
        shoot("3-customers");
        browser.findElement(By.linkText("PATRICIA JOHNSON")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("balance")));
        shoot("4-customer");

        browser.findElement(By.name("film")).sendKeys("AMADEUS HOLY");
        browser.findElement(By.cssSelector("form[action$='/rent'] button")).click();
        wait.until(ExpectedConditions.urlContains("/rent?film="));
        shoot("5-rent");
        WebElement rentButton = browser.findElement(By.xpath("//button[starts-with(normalize-space(), 'Rent copy')]"));
        String copy = rentButton.getText().replaceAll("\\D", "");
        rentButton.click();
        wait.until(ExpectedConditions.urlContains("done=rented"));
        assertTrue(browser.getPageSource().contains("Rented. Please hand over copy " + copy), "rental receipt");
        shoot("6-rented");

        browser.findElement(By.linkText("← Back to PATRICIA JOHNSON")).click();
        WebElement open = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("open-rentals")));
        WebElement row = open.findElement(By.xpath(".//tr[td[2][normalize-space()='" + copy + "']]"));
        assertTrue(row.getText().contains("AMADEUS HOLY"), row.getText());
        shoot("7-open-rental");

        row.findElement(By.xpath(".//button[normalize-space()='Return']")).click();
        wait.until(ExpectedConditions.urlContains("done=returned"));
        assertTrue(browser.getPageSource().contains("Returned. Thank you!"));
        shoot("8-returned");
        assertEquals(0, Staff.sqlInt("SELECT count(*) FROM rental WHERE inventory_id = " + copy + " AND return_date IS NULL"),
                "the copy is back in stock");

        browser.get(url("/staff/overdue"));
        shoot("9-overdue");
        browser.get(url("/staff/customers/99999"));
        shoot("10-not-found");
        browser.get(url("/staff"));

        browser.findElement(By.xpath("//button[normalize-space()='Sign out']")).click();
        wait.until(ExpectedConditions.urlContains("/staff/sign-in?signed-out"));
        browser.get(url("/staff/customers/2"));
        wait.until(ExpectedConditions.urlContains("/staff/sign-in"));
    }

    private String url(String path) {
        return root.toString().replaceAll("/$", "") + path;
    }

    /** The page at desktop width, then at phone width (390 px), full height. */
    private void shoot(String name) throws Exception {
        for (int width : new int[] {1280, 390}) {
            long height = (Long) ((org.openqa.selenium.JavascriptExecutor) browser)
                    .executeScript("return Math.max(document.body.scrollHeight, 600)");
            browser.manage().window().setSize(new Dimension(width, (int) Math.min(height + 140, 4000)));
            Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + "-" + width + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
        browser.manage().window().setSize(new Dimension(1280, 900));
    }
}
