package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.prompts.PromptAdmin;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.browser.ConsoleBrowser;

/**
 * The prompt pages in headless Chromium, signed in through the real login form: the list, a prompt, a diff,
 * a label move's confirmation and the playground (rendered, then answered by a stand-in gateway) each pass
 * axe-core's serious and critical rules, and each is captured for docs/console/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "fleet.console.services=")
@DirtiesContext
class PromptPagesBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final PlaygroundGatewayStub GATEWAY = PlaygroundGatewayStub.start().next(200, """
            {"id":"chatcmpl-1","object":"chat.completion","model":"sim-model","choices":[{"index":0,
             "message":{"role":"assistant","content":"Your invoice lists one Pro plan month: 49.00 EUR, due on 15 December."},
             "finish_reason":"stop"}],"usage":{"prompt_tokens":38,"completion_tokens":17,"total_tokens":55}}""");

    @RegisterExtension
    static final ConsoleBrowser browser = new ConsoleBrowser();

    @LocalServerPort
    int port;

    @Autowired
    private TenantAdmin tenants;

    @Autowired
    private PromptAdmin prompts;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        registry.add("fleet.console.playground.gateway-url", GATEWAY::url);
    }

    @AfterAll
    static void stopGateway() {
        GATEWAY.close();
    }

    @Test
    void thePromptPagesAreAccessible() {
        // given a tenant with a prompt of three versions and two labels, and one of its keys
        Tenant tenant = tenants.createTenant("Acme " + UUID.randomUUID().toString().substring(0, 4), TenantPlan.PRO)
                .block(WAIT);
        String key = tenants.issueKey(tenant.id()).block(WAIT).secret();
        prompts.createVersion(tenant.id(), "billing-support", """
                You are a {{tone}} assistant for {{company}}'s billing team.
                Answer questions about invoices and plans.
                Never promise refunds.""", List.of("production"), "Ada").block(WAIT);
        prompts.createVersion(tenant.id(), "billing-support", """
                You are a {{tone}} assistant for {{company}}'s billing team.
                Answer questions about invoices, plans and payment dates.
                Quote amounts with their currency.
                Never promise refunds.""", List.of("staging"), "Ada").block(WAIT);
        prompts.createVersion(tenant.id(), "onboarding", "Welcome {{name}} to {{company}}.",
                List.of("production"), "Ada").block(WAIT);
        String base = "http://127.0.0.1:" + port + "/console/tenants/" + tenant.id() + "/prompts";
        signIn();

        // the list
        browser.open(base);
        browser.waitFor(By.cssSelector("table"));
        assertThat(browser.driver().getPageSource()).contains("billing-support").contains("onboarding");
        browser.assertAccessible("prompts");
        browser.screenshot("prompts");

        // a prompt
        browser.open(base + "/billing-support");
        browser.waitFor(By.id("versions-heading"));
        browser.assertAccessible("prompt");
        browser.screenshot("prompt");

        // a diff, chosen with the form
        browser.driver().findElement(By.cssSelector("form[action$='/diff'] button")).click();
        browser.waitFor(By.cssSelector(".diff .added"));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/diff?from=1&to=2");
        browser.assertAccessible("prompt-diff");
        browser.screenshot("prompt-diff");

        // a label move's confirmation
        browser.open(base + "/billing-support");
        WebDriver driver = browser.driver();
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("move-version"))).selectByValue("2");
        driver.findElement(By.cssSelector("form[action$='/labels/confirm'] button")).click();
        browser.waitFor(By.cssSelector("form[action$='/labels'] button.danger"));
        browser.assertAccessible("prompt-label-confirm");
        browser.screenshot("prompt-label-confirm");

        // the playground: rendered, then sent
        browser.open(base + "/billing-support/playground");
        driver.findElement(By.name("var_tone")).sendKeys("patient");
        driver.findElement(By.name("var_company")).sendKeys("Acme");
        driver.findElement(By.id("pg-message")).clear();
        driver.findElement(By.id("pg-message")).sendKeys("When is my invoice due?");
        driver.findElement(By.id("pg-model")).sendKeys("sim-model");
        driver.findElement(By.id("pg-key")).sendKeys(key);
        driver.findElement(By.cssSelector("button[value='send']")).click();
        browser.waitFor(By.id("answer"));
        assertThat(driver.getPageSource()).contains("You are a patient assistant for Acme").doesNotContain(key);
        browser.assertAccessible("playground");
        browser.screenshot("playground");
    }

    private void signIn() {
        browser.open("http://127.0.0.1:" + port + "/console/login");
        browser.waitFor(By.id("name")).sendKeys("Ada");
        browser.driver().findElement(By.id("token")).sendKeys(FleetTestEnvironment.ADMIN_TOKEN);
        browser.driver().findElement(By.cssSelector("form button[type='submit']")).click();
        browser.await(d -> !d.getCurrentUrl().contains("/console/login"));
    }
}
