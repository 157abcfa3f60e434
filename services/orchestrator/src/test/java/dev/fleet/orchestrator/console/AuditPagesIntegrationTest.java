package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.AuditChainCheck;
import dev.fleet.events.v1.AuditLogEntry;
import dev.fleet.events.v1.AuditQuery;
import dev.fleet.events.v1.AuditQueryKind;
import dev.fleet.events.v1.AuditQueryResult;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.test.FleetTestEnvironment;

/**
 * The console's audit page against the running orchestrator and the real broker, the test playing the audit
 * service (as AuditQueriesIntegrationTest does): a page of events with its sequence, time, type, subject, actor
 * and payload, the next page by the answer's cursor, the type filter (the DomainEvent payloads) passed on to the
 * audit service, the chain verification intact and broken; an audit service that does not answer is a 503 page
 * saying so, a refused query a 400.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fleet.orchestrator.audit.query-timeout=2s", "fleet.console.services="})
@DirtiesContext
class AuditPagesIntegrationTest {

    private static final Instant OCCURRED = Instant.parse("2026-11-30T10:15:30.123Z");
    private static AuditServiceStandIn auditService;

    @Autowired
    private WebTestClient web;

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
    void showsAPageOfEventsPagesOnByTheCursorAndFiltersByType() {
        // given an audit log of three events, two on the first page
        UUID tenant = newTenant("Audited Ltd");
        auditService.answer(tenant, query -> {
            if (query.getEventType() != null) {
                return AuditQueryResult.newBuilder().setEntries(List.of(entry(2, "ApiKeyIssued", "key/k2")));
            }
            return query.getAfterSequence() == 0
                    ? AuditQueryResult.newBuilder().setEntries(List.of(entry(1, "TenantCreated", "tenant/" + tenant),
                            entry(2, "ApiKeyIssued", "key/k2"))).setNextAfterSequence(2L)
                    : AuditQueryResult.newBuilder().setEntries(List.of(entry(5, "ApiKeyRevoked", "key/k2")));
        });
        ConsoleClient ada = ConsoleClient.signIn(web, "Ada");
        String audit = "/console/tenants/" + tenant + "/audit";

        // when
        String first = ada.page(audit);

        // then the first page shows the events with their payloads and links to the next by the cursor
        assertThat(first).contains("Audit log of <span>Audited Ltd</span>", "TenantCreated</td>", "ApiKeyIssued</td>", "key/k2",
                "tenant/" + tenant, "2026-11-30 10:15:30 UTC", "admin", "Payload of 2", "&quot;keyId&quot; : &quot;k2&quot;",
                "href=\"" + audit + "?after=2\"", "Next page").doesNotContain("ApiKeyRevoked</td>", "First page");
        assertThat(first.indexOf("TenantCreated</td>")).isLessThan(first.indexOf("ApiKeyIssued</td>"));
        // and the type filter offers the DomainEvent payload types
        assertThat(first).contains("<option value=\"\" selected=\"selected\">All types</option>",
                "<option value=\"RiskCaseDecided\">RiskCaseDecided</option>",
                "<option value=\"ConsoleSignInRefused\">ConsoleSignInRefused</option>");
        AuditQuery asked = auditService.queries(tenant).get(0);
        assertThat(asked.getKind()).isEqualTo(AuditQueryKind.EVENTS);
        assertThat(asked.getAfterSequence()).isZero();
        assertThat(asked.getLimit()).isEqualTo(AuditPagesController.PAGE_SIZE);
        assertThat(asked.getEventType()).isNull();

        // when the next page is asked for
        String next = ada.page(audit + "?after=2");

        // then it shows the later event and leads back to the first page, with no next page
        assertThat(next).contains("ApiKeyRevoked</td>", "after sequence 2", "First page", "href=\"" + audit + "\"")
                .doesNotContain("TenantCreated</td>", "Next page");
        assertThat(last(tenant).getAfterSequence()).isEqualTo(2);

        // when filtered by type, the audit service is asked for that type only
        String filtered = ada.page(audit + "?type=ApiKeyIssued");
        assertThat(last(tenant).getEventType()).isEqualTo("ApiKeyIssued");
        assertThat(filtered).contains("<option value=\"ApiKeyIssued\" selected=\"selected\">ApiKeyIssued</option>",
                "key/k2").doesNotContain("TenantCreated</td>");
        // and an unknown type is refused before asking
        int asks = auditService.queries(tenant).size();
        ada.get(audit + "?type=NotAnEvent").expectStatus().isBadRequest().expectBody(String.class)
                .value(body -> assertThat(body).contains("There is no event type NotAnEvent"));
        assertThat(auditService.queries(tenant)).hasSize(asks);
        // and no verification is asked for until the button is pressed
        assertThat(auditService.queries(tenant)).noneMatch(q -> q.getKind() == AuditQueryKind.VERIFY);
        assertThat(first).contains("Verify chain").doesNotContain("id=\"verification\"");
    }

    @Test
    void showsTheChainVerificationIntactOrBroken() {
        // given one tenant whose chain verifies and one whose second row was changed
        UUID intact = newTenant("Intact Ltd");
        UUID broken = newTenant("Broken Ltd");
        UUID brokenEvent = UUID.randomUUID();
        auditService.answer(intact, query -> query.getKind() == AuditQueryKind.VERIFY
                ? AuditQueryResult.newBuilder().setVerification(AuditChainCheck.newBuilder().setOk(true)
                        .setEntriesChecked(3).setHeadHash("cd".repeat(32)).build())
                : AuditQueryResult.newBuilder());
        auditService.answer(broken, query -> query.getKind() == AuditQueryKind.VERIFY
                ? AuditQueryResult.newBuilder().setVerification(AuditChainCheck.newBuilder().setOk(false)
                        .setEntriesChecked(2).setFirstBrokenPosition(2L).setFirstBrokenEventId(brokenEvent.toString())
                        .setReason("the row's hash does not match its content").setHeadHash("ef".repeat(32)).build())
                : AuditQueryResult.newBuilder());
        ConsoleClient ada = ConsoleClient.signIn(web, "Ada");

        // when
        String ok = ada.page("/console/tenants/" + intact + "/audit?verify=true");
        String bad = ada.page("/console/tenants/" + broken + "/audit?verify=true");

        // then
        assertThat(ok).contains("id=\"verification\"", "Intact", "The chain verifies: <span>3</span> entries checked",
                "cd".repeat(32), "No events recorded.").doesNotContain("Broken</span>");
        assertThat(bad).contains("Broken</span>", "at chain position 2", brokenEvent.toString(),
                "the row&#39;s hash does not match its content", "<span>2</span> entries checked")
                .doesNotContain("The chain verifies");
        assertThat(auditService.queries(intact)).anyMatch(q -> q.getKind() == AuditQueryKind.VERIFY);
    }

    @Test
    void saysSoWhenTheAuditServiceDoesNotAnswerOrRefusesTheQuery() {
        // given a tenant whose queries the audit service never answers, and one whose queries it refuses
        UUID silent = newTenant("Silent Ltd");
        UUID refused = newTenant("Refused Ltd");
        auditService.answer(refused, query -> AuditQueryResult.newBuilder().setError(new ReplyError(
                ErrorType.INVALID_REQUEST_ERROR, ErrorCode.INVALID_REQUEST, "limit must be an integer from 1 to 1000")));
        ConsoleClient ada = ConsoleClient.signIn(web, "Ada");

        // when / then: a 503 page saying the audit service did not answer, tabs still there
        ada.get("/console/tenants/" + silent + "/audit").expectStatus().isEqualTo(503).expectBody(String.class)
                .value(body -> assertThat(body).contains("Audit log of <span>Silent Ltd</span>",
                        "The audit service did not answer; try again in a moment.", "FLEET_AUDIT_QUERY_TIMEOUT",
                        "Verify chain"));
        assertThat(auditService.queries(silent)).isNotEmpty();
        // and a 400 page with the audit service's refusal
        ada.get("/console/tenants/" + refused + "/audit").expectStatus().isBadRequest().expectBody(String.class)
                .value(body -> assertThat(body).contains("The query was refused",
                        "limit must be an integer from 1 to 1000"));
        // and an unknown tenant is not found
        ada.get("/console/tenants/" + UUID.randomUUID() + "/audit").expectStatus().isNotFound();
    }

    private UUID newTenant(String name) {
        String id = RiskFixtures.newTenant(web, name);
        tenants.add(id);
        return UUID.fromString(id);
    }

    private static AuditQuery last(UUID tenant) {
        List<AuditQuery> queries = auditService.queries(tenant);
        return queries.get(queries.size() - 1);
    }

    private static AuditLogEntry entry(long sequence, String type, String subject) {
        return AuditLogEntry.newBuilder().setSequence(sequence).setChainPosition(sequence)
                .setEventId(UUID.randomUUID().toString()).setType(type).setSubject(subject).setActor("admin")
                .setProducedBy("orchestrator").setOccurredAt(OCCURRED).setRecordedAt(OCCURRED.plusSeconds(1))
                .setPayloadJson("{\"keyId\": \"k2\"}").setHash("ab".repeat(32)).build();
    }
}
