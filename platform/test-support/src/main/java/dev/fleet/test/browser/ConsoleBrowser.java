package dev.fleet.test.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumDriverLogLevel;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.opentest4j.TestAbortedException;

/**
 * A headless Chromium driven by Selenium, for tests of pages a user sees (the admin console): open a
 * page, wait for what it shows, check it with axe-core, take its screenshot.
 *
 * <p>Register it once per test class; Chromium starts before the class's first test and quits after its last
 * (where it is not installed, each test of the class is reported skipped):
 * <pre>{@code
 * @RegisterExtension
 * static final ConsoleBrowser browser = new ConsoleBrowser();
 *
 * @Test
 * void showsTenants() {
 *     browser.open(baseUrl + "/console/tenants");
 *     browser.waitFor(By.cssSelector("table"));
 *     browser.assertAccessible("tenants");
 *     browser.screenshot("tenants");
 * }
 * }</pre>
 * or, outside JUnit's extension lifecycle, {@code try (ConsoleBrowser b = ConsoleBrowser.start()) { … }}.
 *
 * <p>It drives the <em>installed</em> Chromium and chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code scripts/fleet test} installs with apt-get): {@code FLEET_CHROMIUM}
 * [/usr/bin/chromium] and {@code FLEET_CHROMEDRIVER} [/usr/bin/chromedriver], each a system property or an
 * environment variable. Nothing is downloaded: the driver's path is given to Selenium, so Selenium Manager never
 * runs (and {@code SE_OFFLINE} is set should anything reach it). Where either is missing, the test class is
 * <em>aborted</em> (reported skipped) with the install command, unless {@code FLEET_REQUIRE_BROWSER=true} (set by
 * {@code scripts/fleet test} under {@code CI=true}), where it fails.
 *
 * <p>Screenshots go to {@code target/console-screenshots/} unless {@code FLEET_CONSOLE_SCREENSHOTS=true}, which
 * writes them to the repository's {@code docs/console/} (so an ordinary test run leaves the tree clean).
 *
 * <p>Selenium and axe-core are optional dependencies of test-support: a module with browser tests declares
 * {@code org.seleniumhq.selenium:selenium-chrome-driver}, {@code org.seleniumhq.selenium:selenium-support} and
 * {@code com.deque.html.axe-core:selenium} (test scope; versions and exclusions in the root pom) itself.
 *
 * <p>Limits: one browser window (a 1280×900 page, device scale 1) per instance, not thread-safe; register it
 * {@code static} (an instance field would not receive the before-all callback). axe-core checks the page as it
 * is when called: wait for what it renders first.
 */
public final class ConsoleBrowser implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, AutoCloseable {

    /** What a wait allows unless the caller says otherwise. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    static final String INSTALL_HINT =
            "apt-get install chromium chromium-driver, or run scripts/fleet test which installs it";

    private static final int PAGE_TEXT = 1500;
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;
    private static final Set<String> FAILING_IMPACTS = Set.of("serious", "critical");
    private static final Pattern SCREENSHOT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    // Selenium matches the browser's version against the DevTools (CDP) bindings on the class path and warns
    // when it finds none; the harness speaks WebDriver only, so there is nothing to match. A strong
    // reference keeps the level (java.util.logging holds loggers weakly)
    private static final Logger CDP_VERSION_FINDER = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    private ChromeDriverService service;
    private ChromeDriver driver;
    private String absent; // why Chromium did not start, when it is not installed and not required

    /** For {@code @RegisterExtension}; Chromium starts before the class's first test. */
    public ConsoleBrowser() {
    }

    /** Starts Chromium now (aborting or failing the test as described in the class comment when it is absent). */
    public static ConsoleBrowser start() {
        ConsoleBrowser browser = new ConsoleBrowser();
        browser.launch();
        return browser;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            launch();
        } catch (TestAbortedException e) {
            // aborted here, the class's tests would vanish from Maven's counts: each is reported skipped instead
            absent = e.getMessage();
            System.err.println("WARNING: " + context.getDisplayName() + "'s browser tests are SKIPPED. " + absent);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (absent != null) {
            Assumptions.abort(absent);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** The browser, for anything this class does not wrap. */
    public WebDriver driver() {
        return started();
    }

    private ChromeDriver started() {
        if (driver == null) {
            throw new IllegalStateException("Chromium is not started: register ConsoleBrowser as a static "
                    + "@RegisterExtension field or use ConsoleBrowser.start()");
        }
        return driver;
    }

    /** Loads {@code url} and waits until the document has loaded. */
    public ConsoleBrowser open(String url) {
        driver().get(url);
        await(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        return this;
    }

    /** A wait bounded by {@code timeout}. */
    public WebDriverWait waitUpTo(Duration timeout) {
        return new WebDriverWait(driver(), timeout);
    }

    /**
     * Waits up to {@link #DEFAULT_WAIT} for {@code condition}; a timeout fails the test with the condition's text
     * and what the page showed instead (its address, title and the start of its text), so a failure on a CI
     * machine says which page the browser was on.
     */
    public <T> T await(ExpectedCondition<T> condition) {
        return await(DEFAULT_WAIT, condition);
    }

    /** As {@link #await(ExpectedCondition)}, waiting up to {@code timeout}. */
    public <T> T await(Duration timeout, ExpectedCondition<T> condition) {
        try {
            return waitUpTo(timeout).until(condition);
        } catch (TimeoutException e) {
            throw new TimeoutException(e.getMessage() + "\n" + describePage(), e);
        }
    }

    /** The page as the browser shows it now: address, title and the first {@value #PAGE_TEXT} characters of text. */
    public String describePage() {
        try {
            WebDriver d = started();
            List<WebElement> main = d.findElements(By.tagName("main"));
            String text = (main.isEmpty() ? d.findElement(By.tagName("body")) : main.get(0)).getText()
                    .replaceAll("\\s+", " ").strip();
            return "the page was " + d.getCurrentUrl() + " \"" + d.getTitle() + "\": "
                    + (text.length() > PAGE_TEXT ? text.substring(0, PAGE_TEXT) + "…" : text);
        } catch (RuntimeException e) {
            return "the page could not be read: " + e;
        }
    }

    /** Waits up to {@link #DEFAULT_WAIT} for an element to be visible and returns it. */
    public WebElement waitFor(By locator) {
        return await(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /**
     * Runs axe-core (every rule of the version bundled with {@code com.deque.html.axe-core:selenium}) on the page
     * as it is now and fails, listing each rule, its impact, its help and the nodes it found, if any violation is
     * serious or critical. Minor and moderate ones do not fail. Returns axe's results for further checks.
     */
    public Results assertAccessible(String pageName) {
        Results results = new AxeBuilder().analyze(driver());
        if (results.isErrored()) {
            Assertions.fail("axe-core could not check " + pageName + " (" + driver().getCurrentUrl() + "): "
                    + results.getErrorMessage());
        }
        String report = seriousViolations(results.getViolations());
        if (!report.isEmpty()) {
            Assertions.fail("accessibility violations (serious or critical) on " + pageName + " ("
                    + results.getUrl() + "):\n" + report);
        }
        return results;
    }

    static String seriousViolations(List<Rule> violations) {
        StringBuilder report = new StringBuilder();
        for (Rule rule : violations == null ? List.<Rule>of() : violations) {
            if (!FAILING_IMPACTS.contains(String.valueOf(rule.getImpact()).toLowerCase(Locale.ROOT))) {
                continue;
            }
            report.append("- ").append(rule.getId()).append(" (").append(rule.getImpact()).append("): ")
                    .append(rule.getHelp()).append(" <").append(rule.getHelpUrl()).append(">\n");
            for (CheckedNode node : rule.getNodes()) {
                report.append("    at ").append(node.getTarget()).append(": ").append(node.getHtml()).append('\n');
                if (node.getFailureSummary() != null) {
                    report.append("       ").append(node.getFailureSummary().replace("\n", "\n       ")).append('\n');
                }
            }
        }
        return report.toString();
    }

    /**
     * Saves the viewport as {@code <name>.png}: in the repository's {@code docs/console/} when
     * {@code FLEET_CONSOLE_SCREENSHOTS=true}, otherwise in {@code target/console-screenshots/}. Returns the file.
     */
    public Path screenshot(String name) {
        if (!SCREENSHOT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("screenshot name '" + name + "': lower-case letters, digits and '-'");
        }
        Path dir = Boolean.parseBoolean(setting("FLEET_CONSOLE_SCREENSHOTS", "false"))
                ? repositoryRoot(Path.of("").toAbsolutePath()).resolve("docs").resolve("console")
                : Path.of("target", "console-screenshots").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            Files.write(file, started().getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write screenshot " + name + " to " + dir, e);
        }
    }

    @Override
    public void close() {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            driver = null;
            if (service != null) {
                service.stop();
                service = null;
            }
        }
    }

    private void launch() {
        if (driver != null) {
            return;
        }
        Path chromium = Path.of(setting("FLEET_CHROMIUM", "/usr/bin/chromium"));
        Path chromedriver = Path.of(setting("FLEET_CHROMEDRIVER", "/usr/bin/chromedriver"));
        requireInstalled(chromium, chromedriver, Boolean.parseBoolean(setting("FLEET_REQUIRE_BROWSER", "false")));
        // the driver's path is given below, so Selenium Manager (which may download browsers and drivers) is
        // never asked; should any code path reach it, SE_* system properties become its environment: offline
        if (System.getProperty("SE_OFFLINE") == null) {
            System.setProperty("SE_OFFLINE", "true");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=" + WIDTH + "," + HEIGHT, "--force-device-scale-factor=1", "--hide-scrollbars",
                "--lang=en-US", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                // no calls home: component updates, sync, field trials, safe-browsing lists
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--metrics-recording-only");
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(driverLog().toFile())
                .withLogLevel(ChromiumDriverLogLevel.WARNING)
                .build();
        try {
            driver = new ChromeDriver(service, options);
            fitViewport();
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Grows the window by its frame so the page itself (and so each screenshot) is WIDTH × HEIGHT. */
    private void fitViewport() {
        driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT));
        @SuppressWarnings("unchecked")
        List<Number> inner = (List<Number>) driver.executeScript("return [window.innerWidth, window.innerHeight]");
        driver.manage().window().setSize(new Dimension(
                2 * WIDTH - inner.get(0).intValue(), 2 * HEIGHT - inner.get(1).intValue()));
    }

    /**
     * Aborts the calling test (reported skipped) when Chromium or chromedriver is not an executable file, or fails
     * it when {@code required}.
     */
    static void requireInstalled(Path chromium, Path chromedriver, boolean required) {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(chromium)) {
            missing.add("Chromium (" + chromium + ", FLEET_CHROMIUM)");
        }
        if (!Files.isExecutable(chromedriver)) {
            missing.add("chromedriver (" + chromedriver + ", FLEET_CHROMEDRIVER)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "Chromium not installed: " + INSTALL_HINT + " [missing: " + String.join(", ", missing) + "]";
        if (required) {
            Assertions.fail(message + "; FLEET_REQUIRE_BROWSER=true, so browser tests must run");
        }
        Assumptions.abort(message);
    }

    /** The directory holding {@code .git}, else the one whose pom.xml is the {@code fleet} parent, above {@code from}. */
    static Path repositoryRoot(Path from) {
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".git"))) {
                return dir;
            }
        }
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            if (isFleetParentPom(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (a directory with .git, or the fleet parent pom.xml) above "
                + from);
    }

    private static boolean isFleetParentPom(Path pom) {
        if (!Files.isRegularFile(pom)) {
            return false;
        }
        try {
            // a module's pom names fleet in its <parent>; the root's own artifactId is fleet
            String text = Files.readString(pom).replaceAll("(?s)<parent>.*?</parent>", "");
            return text.contains("<artifactId>fleet</artifactId>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path driverLog() {
        Path target = Path.of("target").toAbsolutePath();
        try {
            Path dir = Files.isDirectory(target) ? target : Files.createTempDirectory("fleet-browser");
            return dir.resolve("chromedriver.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    static String setting(String name, String fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    @Override
    public String toString() {
        return "ConsoleBrowser[" + (driver == null ? "not started" : Objects.toString(driver.getCurrentUrl())) + "]";
    }
}
