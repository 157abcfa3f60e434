package dev.fleet.orchestrator.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskReason;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedPostgres;

/** Tenants and REVIEW decisions for the console's risk and audit page tests, and their clean-up. */
final class RiskFixtures {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private RiskFixtures() {
    }

    /** A new tenant, through the admin API; its id. */
    static String newTenant(WebTestClient web, String name) {
        Map<String, Object> created = web.post().uri("/admin/tenants")
                .headers(h -> h.setBearerAuth(FleetTestEnvironment.ADMIN_TOKEN))
                .bodyValue(Map.of("name", name, "plan", "pro")).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        return (String) created.get("id");
    }

    /** A REVIEW decision as the scorer publishes it on fleet.risk.decisions.v1. */
    static RiskDecision review(String tenant, String transactionId, String account, String amount, double score) {
        Instant now = Instant.now();
        return RiskDecision.newBuilder()
                .setTenantId(tenant)
                .setTransactionId(transactionId)
                .setAccountId(account)
                .setAmount(new Money(amount, "EUR"))
                .setVerdict(RiskVerdict.REVIEW)
                .setScore(score)
                .setReasons(List.of(new RiskReason("burst_across_countries",
                        "a burst of transactions from several countries", score)))
                .setFeatures(RiskFeatures.newBuilder().setCount1m(2).setSum1m(40).setCount1h(5).setSum1h(90)
                        .setCount24h(6).setSum24h(120).setDistinctDevices24h(1).setDistinctCountries24h(3)
                        .setAmountZScore(0.5).setHistoryCount(5).setFirstTimeAtMerchant(false)
                        .setSecondsSincePrevious(30).setCountryChanged(true).setImpossibleTravel(true).build())
                .setRuleSetVersion(0)
                .setOccurredAt(now)
                .setDecidedAt(now)
                .build();
    }

    /** Deletes the tenants' cases, reviews, outbox rows and the tenants. */
    static void delete(List<String> tenants) throws SQLException {
        try (Connection db = SharedPostgres.connect()) {
            for (String tenant : tenants) {
                for (String sql : List.of("""
                        DELETE FROM orchestrator.risk_case_reviews WHERE case_id IN
                            (SELECT id FROM orchestrator.risk_cases WHERE tenant_id::text = ?)""",
                        "DELETE FROM orchestrator.risk_cases WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.outbox WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.tenants WHERE id::text = ?")) {
                    try (PreparedStatement statement = db.prepareStatement(sql)) {
                        statement.setString(1, tenant);
                        statement.executeUpdate();
                    }
                }
            }
        }
    }
}
