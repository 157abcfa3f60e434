package dev.fleet.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TenantPlanTest {

    @Test
    void grantsEachPlanItsRequestAndTokenLimits() {
        assertThat(TenantPlan.FREE.requestsPerMinute()).isEqualTo(60);
        assertThat(TenantPlan.FREE.tokensPerDay()).isEqualTo(100_000L);
        assertThat(TenantPlan.PRO.requestsPerMinute()).isEqualTo(600);
        assertThat(TenantPlan.PRO.tokensPerDay()).isEqualTo(2_000_000L);
        assertThat(TenantPlan.ENTERPRISE.requestsPerMinute()).isEqualTo(6_000);
        assertThat(TenantPlan.ENTERPRISE.tokensPerDay()).isEqualTo(50_000_000L);
    }

    @Test
    void parsesPlanNamesCaseInsensitively() {
        assertThat(TenantPlan.parse("pro")).contains(TenantPlan.PRO);
        assertThat(TenantPlan.parse(" Enterprise ")).contains(TenantPlan.ENTERPRISE);
        assertThat(TenantPlan.parse("FREE")).contains(TenantPlan.FREE);
        assertThat(TenantPlan.PRO.apiName()).isEqualTo("pro");
    }

    @Test
    void rejectsUnknownPlans() {
        assertThat(TenantPlan.parse("gold")).isEmpty();
        assertThat(TenantPlan.parse("")).isEmpty();
        assertThat(TenantPlan.parse(null)).isEmpty();
    }
}
