package dev.fleet.orchestrator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.orchestrator.domain.risk.CaseQuery;
import dev.fleet.orchestrator.domain.risk.CaseStatus;
import dev.fleet.orchestrator.domain.risk.OpenQueue;
import dev.fleet.orchestrator.domain.risk.RiskCase;
import dev.fleet.orchestrator.domain.risk.RiskCases;
import dev.fleet.test.FleetTestEnvironment;

/**
 * The console's risk pages against the running orchestrator and PostgreSQL: the chooser lists the tenants with
 * cases awaiting a decision (the store's open-queues query) and goes to a tenant's queue by id; the queue orders
 * by age or score and filters by status; a case shows its reasons, features and transaction; one reviewer's
 * approval decides a case at or below the four-eyes amount, while above it the first approver is told a second,
 * different reviewer is needed, is offered no approve button, and is refused by the server if she posts anyway;
 * a second reviewer's approval then decides it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fleet.orchestrator.risk.four-eyes-amount=100", "fleet.console.services="})
@DirtiesContext
class RiskPagesIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    private WebTestClient web;

    @Autowired
    private RiskCases cases;

    @Autowired
    private ShiftableClock clock;

    private final List<String> tenants = new ArrayList<>();

    /** The system clock, moved forward when a test needs cases of different ages. */
    static final class ShiftableClock extends Clock {

        private volatile Duration shift = Duration.ZERO;

        void advance(Duration by) {
            shift = shift.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(shift);
        }
    }

    @TestConfiguration
    static class TestClock {

        @Bean
        @Primary
        ShiftableClock shiftableClock() {
            return new ShiftableClock();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @AfterEach
    void deleteTestData() throws SQLException {
        RiskFixtures.delete(tenants);
    }

    @Test
    void listsTheQueueByAgeAndByScoreAndOneApprovalDecidesACaseAtOrBelowTheAmount() {
        // given a tenant with an older low-score case and a newer high-score one, both below the amount
        String tenant = newTenant("Queue Ltd");
        open(tenant, "tx-older", "acct-1", "40.00", 35);
        clock.advance(Duration.ofMinutes(30));
        open(tenant, "tx-newer", "acct-2", "60.00", 80);
        ConsoleClient ada = ConsoleClient.signIn(web, "Ada");

        // when the queue is shown by age, then by score
        String byAge = ada.page("/console/tenants/" + tenant + "/risk");
        String byScore = ada.page("/console/tenants/" + tenant + "/risk?sort=score");

        // then the oldest comes first by age, the highest score first by score, with amount, account and age
        assertThat(byAge).contains("Risk cases of <span>Queue Ltd</span>", "40.00 EUR", "60.00 EUR", "acct-1", "acct-2",
                "30 min", "due in", "Cases, oldest first");
        assertThat(byAge.indexOf("tx-older")).isLessThan(byAge.indexOf("tx-newer"));
        assertThat(byScore.indexOf("tx-newer")).isLessThan(byScore.indexOf("tx-older"));
        assertThat(byScore).contains("Cases, highest score first", "<option value=\"score\" selected=\"selected\">");
        assertThat(ada.page("/console/tenants/" + tenant + "/risk?status=decided")).contains("No case matches.")
                .doesNotContain("tx-older");
        ada.get("/console/tenants/" + tenant + "/risk?sort=amount").expectStatus().isBadRequest();

        // and the chooser lists the tenant with its two waiting cases, and goes to its queue by id
        OpenQueue queue = cases.openQueues(1000).filter(q -> q.tenantId().toString().equals(tenant))
                .blockFirst(WAIT);
        assertThat(queue).isNotNull();
        assertThat(queue.waiting()).isEqualTo(2);
        assertThat(queue.escalated()).isZero();
        assertThat(queue.oldestOpenedAt()).isEqualTo(find(tenant, "tx-older").openedAt());
        String chooser = ada.page("/console/risk");
        assertThat(chooser).contains("Queue Ltd", "href=\"/console/tenants/" + tenant + "/risk\"");
        assertThat(ada.get("/console/risk?tenant=" + tenant).expectStatus().is3xxRedirection().expectBody(Void.class)
                .returnResult().getResponseHeaders().getLocation()).hasToString("/console/tenants/" + tenant + "/risk");
        assertThat(ada.page("/console/risk?tenant=" + UUID.randomUUID())).contains("There is no tenant");
        assertThat(ada.page("/console/risk?tenant=nope")).contains("A tenant id is a UUID");

        // when Ada opens the older case
        RiskCase older = find(tenant, "tx-older");
        String casePage = "/console/tenants/" + tenant + "/risk/cases/" + older.id();
        String shown = ada.page(casePage);

        // then it shows its reasons, features and transaction, and offers Ada both decisions
        assertThat(shown).contains("Risk case <span>tx-older</span>", "burst_across_countries",
                "a burst of transactions from several countries", "distinctCountries24h", "impossibleTravel",
                "40.00 EUR", "acct-1", "Your approval or decline decides the case.", "Approve as <span>Ada</span>",
                "Decline as <span>Ada</span>", "Nobody has reviewed this case yet.");

        // when she approves it without a note, then with one
        String noNote = ada.post(casePage + "/decision", Map.of("resolution", "approve", "note", " "));
        String approved = ada.post(casePage + "/decision", Map.of("resolution", "approve", "note",
                "the customer confirmed by phone"));

        // then the first is refused, the second decides the case
        assertThat(decoded(noNote)).startsWith(casePage + "?problem=").contains("Write a note");
        assertThat(decoded(approved)).isEqualTo(casePage + "?done=The case is decided: the transaction is approved.");
        assertThat(find(tenant, "tx-older").status()).isEqualTo(CaseStatus.DECIDED);
        String decided = ada.page(decoded(approved));
        assertThat(decided).contains("The case is decided: the transaction is approved.",
                "This case is decided; it takes no further reviews.", "the customer confirmed by phone",
                "review → approved").doesNotContain("Approve as");
        // and the chooser counts one waiting case
        assertThat(cases.openQueues(1000).filter(q -> q.tenantId().toString().equals(tenant)).blockFirst(WAIT))
                .extracting(OpenQueue::waiting).isEqualTo(1L);

        // when the newer case passes its SLA and is escalated
        clock.advance(Duration.ofHours(5));
        cases.escalateDue().block(WAIT);

        // then the queue marks it escalated (in words, not only colour) and the chooser counts it
        String escalated = ada.page("/console/tenants/" + tenant + "/risk?status=escalated");
        assertThat(escalated).contains("tx-newer", "<span class=\"badge warn\">Escalated</span>",
                "escalated: past its SLA since").doesNotContain("tx-older");
        assertThat(cases.openQueues(1000).filter(q -> q.tenantId().toString().equals(tenant)).blockFirst(WAIT))
                .extracting(OpenQueue::escalated).isEqualTo(1L);

        // when Ada declines it (the decline form sits behind a disclosure)
        RiskCase newer = find(tenant, "tx-newer");
        String newerPage = "/console/tenants/" + tenant + "/risk/cases/" + newer.id();
        assertThat(ada.page(newerPage)).contains("<summary>Decline the transaction…</summary>");
        String declined = ada.post(newerPage + "/decision", Map.of("resolution", "decline", "note", "stolen card"));

        // then one decline decides it, and nobody is waiting any more
        assertThat(decoded(declined)).endsWith("?done=The case is decided: the transaction is declined.");
        assertThat(find(tenant, "tx-newer").resolution()).hasToString("DECLINED");
        assertThat(ada.page("/console/tenants/" + tenant + "/risk?status=decided")).contains("tx-older", "tx-newer",
                "review → declined");
        assertThat(cases.openQueues(1000).filter(q -> q.tenantId().toString().equals(tenant)).collectList()
                .block(WAIT)).isEmpty();
        assertThat(ada.page("/console/risk")).doesNotContain("Queue Ltd");
    }

    @Test
    void aboveTheFourEyesAmountTheFirstApproverIsToldASecondReviewerIsNeededAndASecondDecides() {
        // given a case for 500 EUR, above the four-eyes amount of 100
        String tenant = newTenant("Large Ltd");
        open(tenant, "tx-large", "acct-9", "500.00", 60);
        RiskCase large = find(tenant, "tx-large");
        String casePage = "/console/tenants/" + tenant + "/risk/cases/" + large.id();
        ConsoleClient ada = ConsoleClient.signIn(web, "Ada");
        ConsoleClient bob = ConsoleClient.signIn(web, "Bob");

        // then Ada is told her approval is the first of two
        assertThat(ada.page(casePage)).contains("approving takes two different reviewers", "100 EUR",
                "Approve as <span>Ada</span>");

        // when Ada approves
        String afterAda = ada.post(casePage + "/decision", Map.of("resolution", "approve", "note", "looks fine"));

        // then the case stays open, and her page says a second, different reviewer is needed, with no approve button
        assertThat(decoded(afterAda)).contains("a second, different reviewer must approve");
        assertThat(find(tenant, "tx-large").status()).isEqualTo(CaseStatus.OPEN);
        String adaAgain = ada.page(casePage);
        assertThat(adaAgain).contains("already reviewed this case. A second, different reviewer is", "looks fine")
                .doesNotContain("Approve as", "approve-form", "Decline as");

        // and when Ada posts an approval anyway, the server refuses it and says why
        String refused = ada.post(casePage + "/decision", Map.of("resolution", "approve", "note", "again"));
        assertThat(decoded(refused)).startsWith(casePage + "?problem=Refused: reviewer Ada already reviewed case")
                .contains("a second approval must come from another reviewer");
        assertThat(ada.page(decoded(refused))).contains("class=\"problem\"", "Refused: reviewer Ada already reviewed");
        assertThat(find(tenant, "tx-large").reviews()).hasSize(1);

        // when Bob opens it, he is told Ada approved and his approval releases it; he approves
        assertThat(bob.page(casePage)).contains("Already approved by", "<strong>Ada</strong>",
                "Approve as <span>Bob</span>");
        String afterBob = bob.post(casePage + "/decision", Map.of("resolution", "approve", "note", "agreed"));

        // then the case is decided, approved by both
        assertThat(decoded(afterBob)).endsWith("?done=The case is decided: the transaction is approved.");
        RiskCase decided = find(tenant, "tx-large");
        assertThat(decided.status()).isEqualTo(CaseStatus.DECIDED);
        assertThat(decided.reviews()).extracting(r -> r.reviewer()).containsExactly("Ada", "Bob");
        assertThat(bob.page(casePage)).contains("This case is decided", "looks fine", "agreed");
    }

    @Test
    void answersNotFoundForAnUnknownTenantOrCase() {
        String tenant = newTenant("Empty Ltd");
        ConsoleClient ada = ConsoleClient.signIn(web, "Ada");

        ada.get("/console/tenants/" + UUID.randomUUID() + "/risk").expectStatus().isNotFound();
        ada.get("/console/tenants/" + tenant + "/risk/cases/" + UUID.randomUUID()).expectStatus().isNotFound()
                .expectBody(String.class).value(body -> assertThat(body).contains("has no risk case"));
        assertThat(ada.page("/console/tenants/" + tenant + "/risk")).contains("No case matches.");
    }

    private String newTenant(String name) {
        String id = RiskFixtures.newTenant(web, name);
        tenants.add(id);
        return id;
    }

    private void open(String tenant, String transactionId, String account, String amount, double score) {
        assertThat(cases.open(RiskFixtures.review(tenant, transactionId, account, amount, score)).block(WAIT))
                .isTrue();
    }

    private RiskCase find(String tenant, String transactionId) {
        RiskCase listed = cases.list(UUID.fromString(tenant), new CaseQuery(java.util.EnumSet.allOf(CaseStatus.class),
                null, null, CaseQuery.Sort.AGE, 100, 0)).filter(c -> c.transactionId().equals(transactionId))
                .blockFirst(WAIT);
        assertThat(listed).as(transactionId).isNotNull();
        return cases.find(UUID.fromString(tenant), listed.id()).block(WAIT);
    }

    private static String decoded(String location) {
        return URLDecoder.decode(location, StandardCharsets.UTF_8);
    }
}
