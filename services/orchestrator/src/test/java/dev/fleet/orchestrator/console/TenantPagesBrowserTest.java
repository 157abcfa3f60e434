package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.orchestrator.domain.LimitOverrides;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.browser.ConsoleBrowser;

/**
 * The tenant pages in Chromium: signed in through the login form, the list, a tenant and a key just issued,
 * each checked with axe-core and photographed (tenants, tenant, key-issued).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "fleet.console.services=")
@DirtiesContext
class TenantPagesBrowserTest {

    @RegisterExtension
    static final ConsoleBrowser browser = new ConsoleBrowser();

    @LocalServerPort
    private int port;

    @Autowired
    private TenantAdmin admin;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @Test
    void theTenantPagesAreAccessible() {
        admin.createTenant("Globex Corporation", TenantPlan.FREE).block();
        admin.createTenant("Initech", TenantPlan.ENTERPRISE).block();
        UUID acme = admin.createTenant("Acme Robotics", TenantPlan.PRO).block().id();
        admin.setLimits(acme, new LimitOverrides(1200, null, 0L)).block();
        admin.revokeKey(admin.issueKey(acme).block().key().id()).block();
        admin.issueKey(acme).block();
        String base = "http://127.0.0.1:" + port;

        browser.open(base + "/console/login");
        browser.waitFor(By.id("name")).sendKeys("Ada");
        browser.driver().findElement(By.id("token")).sendKeys(FleetTestEnvironment.ADMIN_TOKEN);
        browser.driver().findElement(By.cssSelector("form.stack button[type=submit]")).click();
        browser.waitFor(By.xpath("//h1[text()='Tenants']"));

        browser.open(base + "/console/tenants");
        assertThat(browser.waitFor(By.linkText("Acme Robotics")).isDisplayed()).isTrue();
        browser.assertAccessible("tenants");
        browser.screenshot("tenants");

        // with JavaScript, typing narrows the list in place (htmx swaps the results; the page is not reloaded)
        ((JavascriptExecutor) browser.driver()).executeScript("window.fleetMarker = 'same page';");
        browser.driver().findElement(By.id("q")).sendKeys("Initech");
        browser.await(driver -> driver.findElement(By.id("tenant-results")).getText().contains("Initech")
                && !driver.findElement(By.id("tenant-results")).getText().contains("Globex Corporation"));
        assertThat(((JavascriptExecutor) browser.driver()).executeScript("return window.fleetMarker"))
                .as("swapped in place, not navigated").isEqualTo("same page");
        browser.await(driver -> driver.getCurrentUrl().contains("q=Initech"));
        browser.open(base + "/console/tenants");

        browser.driver().findElement(By.linkText("Acme Robotics")).click();
        browser.waitFor(By.xpath("//h1[text()='Acme Robotics']"));
        assertThat(browser.driver().findElement(By.id("rpm")).getAttribute("value")).isEqualTo("1200");
        browser.assertAccessible("tenant");
        browser.screenshot("tenant");

        // a refused form: the page again, with the message tied to its field
        WebElement rpm = browser.driver().findElement(By.id("rpm"));
        rpm.clear();
        rpm.sendKeys("-1");
        browser.driver().findElement(By.xpath("//button[text()='Save limits']")).click();
        assertThat(browser.waitFor(By.id("rpm-error")).getText()).isEqualTo("A limit is 0 (no limit) or more.");
        assertThat(browser.driver().findElement(By.id("rpm")).getAttribute("aria-describedby")).isEqualTo("rpm-error");
        browser.assertAccessible("tenant-refused-limits");

        browser.driver().findElement(By.linkText("Overview")).click();
        browser.waitFor(By.xpath("//h1[text()='Acme Robotics']"));
        browser.driver().findElement(By.xpath("//button[text()='Issue a key']")).click();
        String key = browser.waitFor(By.id("issued-key")).getText();
        assertThat(key).startsWith("fk-");
        assertThat(browser.driver().findElement(By.cssSelector("button[data-copy='issued-key']")).getText())
                .isEqualTo("Copy");
        browser.assertAccessible("key-issued");
        browser.screenshot("key-issued");
    }
}
