package dev.fleet.orchestrator.domain.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.QuotaExceeded;
import dev.fleet.events.v1.QuotaWarningReached;
import dev.fleet.events.v1.TenantCreated;

class QuotaWebhooksTest {

    @Test
    void acceptsOnlyAbsoluteHttpUrls() {
        assertThat(QuotaWebhooks.validUrl(" https://hooks.example.com/fleet?x=1 "))
                .isEqualTo("https://hooks.example.com/fleet?x=1");
        assertThat(QuotaWebhooks.validUrl("http://127.0.0.1:8080/h")).isEqualTo("http://127.0.0.1:8080/h");
        for (String bad : new String[] {null, "", "/relative", "ftp://example.com/h", "https:///nohost",
                "mailto:ops@example.com", "http://exa mple.com/"}) {
            assertThatThrownBy(() -> QuotaWebhooks.validUrl(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void turnsQuotaTransitionsIntoNotificationsAndIgnoresOtherEvents() {
        String tenant = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();

        QuotaNotification warning = QuotaNotification.of(event(eventId, tenant,
                new QuotaWarningReached("2026-11", 800L, 1000L))).orElseThrow();
        assertThat(warning.type()).isEqualTo("quota.warning");
        assertThat(warning.body()).containsEntry("event_id", eventId).containsEntry("tenant_id", tenant)
                .containsEntry("used", 800L).containsEntry("limit", 1000L).containsEntry("month", "2026-11")
                .containsEntry("occurred_at", "2026-11-30T10:00:00Z");
        assertThat(QuotaNotification.of(event(eventId, tenant, new QuotaExceeded("2026-11", 1000L, 1000L)))
                .orElseThrow().type()).isEqualTo("quota.exceeded");
        assertThat(QuotaNotification.of(event(eventId, tenant, new TenantCreated("Acme",
                dev.fleet.events.v1.Plan.PRO)))).isEmpty();
    }

    private static DomainEvent event(String eventId, String tenant, Object payload) {
        return DomainEvent.newBuilder().setEventId(eventId).setTenantId(tenant)
                .setOccurredAt(Instant.parse("2026-11-30T10:00:00Z")).setActor("usage-metering")
                .setSubject("tenant/" + tenant).setProducedBy("usage-metering").setPayload(payload).build();
    }
}
