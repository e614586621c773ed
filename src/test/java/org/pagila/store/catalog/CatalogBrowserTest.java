package org.pagila.store.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.File;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A customer in a real browser (Debian's headless Chromium through chromedriver): storefront, search, a result,
 * the film page and its actors. Skipped, visibly, where chromium or chromedriver is not installed; failed with CI=true.
 */
@QuarkusTest
class CatalogBrowserTest {
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final File CHROMIUM = new File("/usr/bin/chromium");

    @TestHTTPResource("/")
    URL store;

    WebDriver browser;

    @BeforeEach
    void openBrowser() {
        org.pagila.store.web.Prerequisite.require(CHROMEDRIVER.canExecute() && CHROMIUM.canExecute(),
                "the browser test needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,900");
        // The driver is given explicitly, so Selenium Manager never tries to download one.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aCustomerSearchesOpensAFilmAndSeesItsActors() {
        browser.get(store.toString());
        assertEquals("Pagila Store: rent a DVD tonight", browser.getTitle());

        WebElement search = browser.findElement(By.cssSelector(".hero input[name=q]"));
        search.sendKeys("academy dinosaur");
        search.submit();
        waitFor(ExpectedConditions.urlContains("/search?q=academy+dinosaur"));

        List<WebElement> results = browser.findElements(By.cssSelector(".film-card h3 a"));
        assertTrue(results.size() > 0, "search results");
        assertEquals("ACADEMY DINOSAUR", results.get(0).getText());
        results.get(0).click();
        waitFor(ExpectedConditions.urlMatches(".*/films/1$"));

        assertEquals("ACADEMY DINOSAUR", browser.findElement(By.tagName("h1")).getText());
        List<String> actors = browser.findElements(By.cssSelector(".cast a")).stream().map(WebElement::getText).toList();
        assertTrue(actors.contains("PENELOPE GUINESS"), "actors: " + actors);
        assertTrue(browser.findElement(By.cssSelector(".served-by")).getText().matches("Served by node[123].*"));

        browser.findElement(By.linkText("PENELOPE GUINESS")).click();
        waitFor(ExpectedConditions.urlMatches(".*/actors/1$"));
        assertEquals("PENELOPE GUINESS", browser.findElement(By.tagName("h1")).getText());
    }

    @Test
    void theFilterFormWorksWithoutJavaScriptTricks() {
        browser.get(store + "films");
        new Select(browser.findElement(By.name("category"))).selectByVisibleText("Horror");
        new Select(browser.findElement(By.name("sort"))).selectByVisibleText("Most rented");
        browser.findElement(By.cssSelector(".filters button[type=submit]")).click();
        waitFor(ExpectedConditions.urlContains("category=Horror"));
        assertTrue(browser.getCurrentUrl().contains("sort=popularity"), browser.getCurrentUrl());
        assertTrue(browser.findElement(By.cssSelector(".page-head")).getText().contains("56 films"));
    }

    /** At a phone's width every page the customer walks through fits it: nothing wider than the screen. */
    @Test
    void atAPhonesWidthNoCatalogPageIsWiderThanTheScreen() {
        browser.manage().window().setSize(new Dimension(390, 844));
        for (String page : List.of("", "films", "films/1", "films/500", "actors/1", "categories", "search?q=dinosaur")) {
            browser.get(store + page);
            List<?> widths = (List<?>) ((JavascriptExecutor) browser).executeScript(
                    "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
            long content = ((Number) widths.get(0)).longValue();
            long screen = ((Number) widths.get(1)).longValue();
            assertTrue(screen <= 400, "the window is a phone's width, not " + screen + " px");
            assertTrue(content <= screen, "/" + page + " is " + content + " px wide on a " + screen + " px screen");
        }
    }

    private void waitFor(ExpectedCondition<?> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(condition);
    }
}
