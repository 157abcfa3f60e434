package dev.fleet.orchestrator.console;

import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.assigned;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.day;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.line;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.outcome;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.quota;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.InvoiceStatus;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.routing.AliasAdmin;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.browser.ConsoleBrowser;

/**
 * The usage, invoice and experiments pages in Chromium: signed in through the login form, each page checked
 * with axe-core (the usage page with its data table open) and photographed (usage, invoice, experiments).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "fleet.console.services=")
@DirtiesContext
class UsageExperimentPagesBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ConsoleBrowser browser = new ConsoleBrowser();

    @LocalServerPort
    private int port;

    @Autowired
    private TenantAdmin tenants;

    @Autowired
    private AliasAdmin aliases;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @Test
    void theUsageInvoiceAndExperimentsPagesAreAccessible() {
        String id = tenants.createTenant("Acme Robotics", TenantPlan.PRO).block().id().toString();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        YearMonth month = YearMonth.now(ZoneOffset.UTC);
        String alias = "support-chat";
        List<ModelTarget> targets = List.of(new ModelTarget("extractive", "extractive"));
        aliases.putTargets(alias, targets).block();
        aliases.putExperiment(alias, "tone-test", List.of(new ExperimentArm("control", 80, targets),
                new ExperimentArm("candidate", 20, targets))).block();
        try (ConsoleTopics topics = new ConsoleTopics()) {
            for (int d = 1; d <= 29; d++) {
                LocalDate date = today.minusDays(d);
                long base = 20_000 + (d * 7_919L % 13) * 3_000;
                topics.send(day(id, date, Meter.PROMPT_TOKENS, "gpt-4o-mini", base));
                topics.send(day(id, date, Meter.COMPLETION_TOKENS, "gpt-4o-mini", base / 3));
                if (d % 3 == 0) {
                    topics.send(day(id, date, Meter.EMBEDDING_TOKENS, "all-MiniLM-L6-v2", base / 2));
                }
            }
            topics.send(quota(id, month.toString(), 1_640_000, 2_000_000L, QuotaState.WARNING));
            topics.send(line(id, month.toString(), Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_120_000, "0.168",
                    InvoiceStatus.DRAFT));
            topics.send(line(id, month.toString(), Meter.COMPLETION_TOKENS, "gpt-4o-mini", 373_000, "0.05595",
                    InvoiceStatus.DRAFT));
            topics.send(line(id, month.toString(), Meter.EMBEDDING_TOKENS, "all-MiniLM-L6-v2", 147_000, "0.02205",
                    InvoiceStatus.DRAFT));
            topics.send(line(id, month.minusMonths(1).toString(), Meter.PROMPT_TOKENS, "gpt-4o-mini", 980_000,
                    "0.147", InvoiceStatus.FINAL));
            String tenant = UUID.randomUUID().toString();
            for (int u = 0; u < 10; u++) {
                String arm = u < 8 ? "control" : "candidate";
                topics.send(assigned(UUID.randomUUID().toString(), tenant, alias, "tone-test", arm, "user-" + u));
                topics.send(outcome(UUID.randomUUID().toString(), tenant, alias, "tone-test", arm, u != 3,
                        40 + u * 3L, 120 + u, 60 + 2 * u));
            }
        }
        String base = "http://127.0.0.1:" + port;

        try {
            browser.open(base + "/console/login");
            browser.waitFor(By.id("name")).sendKeys("Ada");
            browser.driver().findElement(By.id("token")).sendKeys(FleetTestEnvironment.ADMIN_TOKEN);
            browser.driver().findElement(By.cssSelector("form button[type=submit]")).click();
            browser.await(ExpectedConditions.not(ExpectedConditions.urlContains("/console/login")));

            // the usage page, once the read models show the quota and the last day's usage
            browser.waitUpTo(WAIT).ignoring(AssertionError.class).until(driver -> {
                browser.open(base + "/console/tenants/" + id + "/usage");
                String text = driver.findElement(By.tagName("main")).getText();
                return text.contains("1,640,000") && text.contains("DRAFT") ? true : null;
            });
            assertThat(browser.waitFor(By.cssSelector(".chart svg[role=img]")).isDisplayed()).isTrue();
            browser.driver().findElement(By.cssSelector("details.data summary")).click();
            assertThat(browser.waitFor(By.id("usage-table")).isDisplayed()).isTrue();
            browser.assertAccessible("usage");
            browser.driver().findElement(By.cssSelector("details.data summary")).click();
            browser.screenshot("usage");

            browser.driver().findElement(By.linkText(month.toString())).click();
            assertThat(browser.waitFor(By.id("invoice-total")).getText()).contains("0.25 USD");
            browser.assertAccessible("invoice");
            browser.screenshot("invoice");

            // the CSV download, with the browser's own session: an attachment of the invoice's lines and total
            WebElement download = browser.driver().findElement(By.partialLinkText("CSV"));
            @SuppressWarnings("unchecked")
            Map<String, Object> fetched = (Map<String, Object>) ((JavascriptExecutor) browser.driver()).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                            + "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text().then(body => done({"
                            + "status: r.status, type: r.headers.get('Content-Type'),"
                            + "disposition: r.headers.get('Content-Disposition'), body: body})));",
                    download.getAttribute("href"));
            assertThat(fetched.get("status")).isEqualTo(200L);
            assertThat((String) fetched.get("type")).startsWith("text/csv");
            assertThat((String) fetched.get("disposition"))
                    .isEqualTo("attachment; filename=\"invoice-" + id + "-" + month + ".csv\"");
            assertThat(((String) fetched.get("body")).lines()).hasSize(5)
                    .anySatisfy(row -> assertThat(row).containsIgnoringCase("prompt_tokens").contains("gpt-4o-mini")
                            .contains("1120000"))
                    .last().satisfies(total -> assertThat(total).startsWith(id + "," + month).contains(",total,"));

            browser.waitUpTo(WAIT).until(driver -> {
                browser.open(base + "/console/experiments");
                return driver.findElement(By.tagName("main")).getText().contains("(7 of 8)") ? true : null;
            });
            browser.assertAccessible("experiments");
            browser.screenshot("experiments");

            browser.driver().findElement(By.linkText(alias)).click();
            browser.waitFor(By.xpath("//h2[text()='Running experiment']"));
            browser.assertAccessible("experiment");
        } finally {
            aliases.remove(alias).block();
        }
    }
}
