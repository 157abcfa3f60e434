package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.AuditChainCheck;
import dev.fleet.events.v1.AuditLogEntry;
import dev.fleet.events.v1.AuditQueryKind;
import dev.fleet.events.v1.AuditQueryResult;
import dev.fleet.orchestrator.domain.risk.CaseQuery;
import dev.fleet.orchestrator.domain.risk.CaseStatus;
import dev.fleet.orchestrator.domain.risk.RiskCase;
import dev.fleet.orchestrator.domain.risk.RiskCases;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.browser.ConsoleBrowser;

/**
 * The risk and audit pages in headless Chromium, signed in through the real login form: the chooser, a tenant's
 * queue, a case above the four-eyes amount and the audit log with its chain verified, each checked by axe-core
 * (no serious or critical violation) and photographed (docs/console/ with FLEET_CONSOLE_SCREENSHOTS=true).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fleet.orchestrator.risk.four-eyes-amount=1000", "fleet.console.services="})
@DirtiesContext
class RiskAuditPagesBrowserTest {

    @RegisterExtension
    static final ConsoleBrowser browser = new ConsoleBrowser();

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static AuditServiceStandIn auditService;

    @LocalServerPort
    private int port;

    @Autowired
    private WebTestClient web;

    @Autowired
    private RiskCases cases;

    private final List<String> tenants = new ArrayList<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @BeforeEach
    void startAuditService() {
        // once the application has provisioned the audit topics
        if (auditService == null) {
            auditService = new AuditServiceStandIn();
        }
    }

    @AfterAll
    static void stopAuditService() throws InterruptedException {
        if (auditService != null) {
            auditService.close();
            auditService = null;
        }
    }

    @AfterEach
    void deleteTestData() throws SQLException {
        RiskFixtures.delete(tenants);
    }

    @Test
    void riskAndAuditPagesAreAccessible() {
        // given a tenant with three cases, one above the four-eyes amount, and an audit log of two events
        String tenant = RiskFixtures.newTenant(web, "Northwind Payments");
        tenants.add(tenant);
        open(tenant, "tx-7731", "acct-anna", "249.90", 60);
        open(tenant, "tx-7745", "acct-bert", "4200.00", 85);
        open(tenant, "tx-7752", "acct-cleo", "75.00", 55);
        RiskCase large = cases.list(UUID.fromString(tenant), new CaseQuery(EnumSet.allOf(CaseStatus.class), null,
                null, CaseQuery.Sort.AGE, 10, 0)).filter(c -> c.transactionId().equals("tx-7745")).blockFirst(WAIT);
        Instant at = Instant.parse("2026-12-01T09:12:03Z");
        auditService.answer(UUID.fromString(tenant), query -> query.getKind() == AuditQueryKind.VERIFY
                ? AuditQueryResult.newBuilder().setVerification(AuditChainCheck.newBuilder().setOk(true)
                        .setEntriesChecked(2).setHeadHash("9f".repeat(32)).build())
                : AuditQueryResult.newBuilder().setEntries(List.of(
                        entry(1, "TenantCreated", "tenant/" + tenant, at, "{\"name\": \"Northwind Payments\"}"),
                        entry(2, "ApiKeyIssued", "key/k-31", at.plusSeconds(42), "{\"keyId\": \"k-31\"}"))));
        String base = "http://127.0.0.1:" + port;

        // when Ada signs in through the form
        browser.open(base + "/console/login");
        browser.waitFor(By.id("name")).sendKeys("Ada");
        browser.driver().findElement(By.id("token")).sendKeys(FleetTestEnvironment.ADMIN_TOKEN);
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
        browser.await(ExpectedConditions.not(ExpectedConditions.urlContains("/console/login")));

        // then each page renders and passes axe-core
        browser.open(base + "/console/risk");
        assertThat(browser.waitFor(By.cssSelector(".signout strong")).getText()).isEqualTo("Ada");
        assertThat(browser.waitFor(By.cssSelector("main table")).getText()).contains("Northwind Payments");
        browser.assertAccessible("risk");
        browser.screenshot("risk");

        browser.open(base + "/console/tenants/" + tenant + "/risk");
        assertThat(browser.waitFor(By.id("cases")).getText()).contains("tx-7731", "tx-7745", "tx-7752");
        browser.assertAccessible("risk-cases");
        browser.screenshot("risk-cases");

        browser.open(base + "/console/tenants/" + tenant + "/risk/cases/" + large.id());
        assertThat(browser.waitFor(By.id("review-state")).getText()).contains("two different reviewers");
        browser.assertAccessible("risk-case");
        browser.screenshot("risk-case");

        browser.open(base + "/console/tenants/" + tenant + "/audit?verify=true");
        assertThat(browser.waitFor(By.id("verification")).getText()).contains("The chain verifies");
        browser.driver().findElements(By.cssSelector("main details summary")).get(1).click();
        assertThat(browser.waitFor(By.cssSelector("main details[open] pre")).getText()).contains("\"keyId\" : \"k-31\"");
        browser.assertAccessible("audit");
        browser.screenshot("audit");
    }

    private void open(String tenant, String transactionId, String account, String amount, double score) {
        assertThat(cases.open(RiskFixtures.review(tenant, transactionId, account, amount, score)).block(WAIT))
                .isTrue();
    }

    private static AuditLogEntry entry(long sequence, String type, String subject, Instant at, String payload) {
        return AuditLogEntry.newBuilder().setSequence(sequence).setChainPosition(sequence)
                .setEventId(UUID.randomUUID().toString()).setType(type).setSubject(subject).setActor("admin")
                .setProducedBy("orchestrator").setOccurredAt(at).setRecordedAt(at.plusMillis(40))
                .setPayloadJson(payload).setHash(Long.toHexString(sequence).repeat(64).substring(0, 64)).build();
    }
}
