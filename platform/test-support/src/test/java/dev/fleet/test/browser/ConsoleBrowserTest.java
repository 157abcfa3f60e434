package dev.fleet.test.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.deque.html.axecore.results.Results;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.opentest4j.AssertionFailedError;

/**
 * The harness against the installed Chromium: axe-core fails an inaccessible page and passes an accessible one,
 * screenshots are PNGs of the fixed window, waits see what scripts render later, and Selenium Manager never runs.
 * Skipped (aborted) where Chromium is not installed, unless FLEET_REQUIRE_BROWSER=true.
 */
class ConsoleBrowserTest {

    // Selenium Manager unpacks its binary into SE_CACHE_PATH before it does anything, network included: set
    // before the browser starts, an empty directory afterwards proves it never ran
    private static final Path SELENIUM_CACHE = seleniumCache();

    @RegisterExtension
    static final ConsoleBrowser browser = new ConsoleBrowser();

    private static HttpServer server;

    private static final String BAD = """
            <!doctype html>
            <html><head><title>Tenants</title></head>
            <body><main><h1>Tenants</h1>
              <img src="/pixel.png">
              <input type="text" name="tenant">
            </main></body></html>
            """;

    private static final String GOOD = """
            <!doctype html>
            <html lang="en"><head><title>Tenants</title></head>
            <body><main><h1>Tenants</h1>
              <img src="/pixel.png" alt="Fleet">
              <label for="tenant">Tenant</label> <input id="tenant" type="text" name="tenant">
            </main></body></html>
            """;

    private static final String LATE = """
            <!doctype html>
            <html lang="en"><head><title>Later</title></head>
            <body><main><h1>Later</h1></main>
            <script>setTimeout(() => {
              const p = document.createElement('p'); p.id = 'late'; p.textContent = 'rendered later';
              document.querySelector('main').append(p); }, 300);</script>
            </body></html>
            """;

    @BeforeAll
    static void servePages() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        page("/bad", BAD);
        page("/good", GOOD);
        page("/late", LATE);
        server.createContext("/pixel.png", exchange -> {
            byte[] png = pixel();
            exchange.getResponseHeaders().add("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, png.length);
            exchange.getResponseBody().write(png);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stopServing() {
        server.stop(0);
    }

    @Test
    void failsAPageWithSeriousOrCriticalViolationsNamingRuleImpactAndNodes() {
        browser.open(url("/bad"));

        AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> browser.assertAccessible("bad"));

        assertThat(failure.getMessage())
                .contains("on bad (" + url("/bad") + ")")
                .contains("- image-alt (critical): Images must have alternative text")
                .contains("- label (critical)")
                .contains("- html-has-lang (serious)")
                .contains("at [img]: <img src=\"/pixel.png\">")
                .contains("at [input]");
    }

    @Test
    void passesAnAccessiblePage() {
        browser.open(url("/good"));

        Results results = browser.assertAccessible("good");

        assertThat(results.getPasses()).extracting(rule -> rule.getId()).contains("image-alt", "label", "html-has-lang");
    }

    @Test
    void screenshotIsAPngOfTheWindow() throws IOException {
        browser.open(url("/good"));
        String previous = System.getProperty("FLEET_CONSOLE_SCREENSHOTS");
        System.setProperty("FLEET_CONSOLE_SCREENSHOTS", "false"); // never into docs/ from this self-test
        Path file;
        try {
            file = browser.screenshot("harness-self-test");
        } finally {
            if (previous == null) {
                System.clearProperty("FLEET_CONSOLE_SCREENSHOTS");
            } else {
                System.setProperty("FLEET_CONSOLE_SCREENSHOTS", previous);
            }
        }

        assertThat(file).isEqualTo(Path.of("target", "console-screenshots", "harness-self-test.png").toAbsolutePath());
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).as("a PNG ImageIO can read").isNotNull();
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(900);
    }

    @Test
    void waitsForWhatAScriptRendersLater() {
        browser.open(url("/late"));

        assertThat(browser.waitFor(By.id("late")).getText()).isEqualTo("rendered later");
    }

    @Test
    void aWaitThatTimesOutSaysWhichPageTheBrowserWasOn() {
        browser.open(url("/good"));

        TimeoutException timeout = assertThrows(TimeoutException.class,
                () -> browser.await(Duration.ofMillis(600), ExpectedConditions.visibilityOfElementLocated(By.id("absent"))));

        assertThat(timeout.getMessage())
                .contains("By.id: absent")
                .contains("the page was " + url("/good") + " \"Tenants\": Tenants Tenant");
    }

    @Test
    void seleniumManagerNeverRan() throws IOException {
        browser.open(url("/good"));

        try (Stream<Path> files = Files.list(SELENIUM_CACHE)) {
            assertThat(files).as("Selenium Manager's cache " + SELENIUM_CACHE).isEmpty();
        }
        assertThat(System.getProperty("SE_OFFLINE")).isEqualTo("true");
    }

    private static void page(String path, String html) {
        server.createContext(path, exchange -> {
            byte[] body = html.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static byte[] pixel() throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    private static Path seleniumCache() {
        try {
            Path dir = Files.createTempDirectory("selenium-cache");
            dir.toFile().deleteOnExit();
            System.setProperty("SE_CACHE_PATH", dir.toString());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
