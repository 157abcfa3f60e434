package dev.fleet.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.TenantCreated;
import dev.fleet.events.v1.UsageRollup;

class AuditEntryTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00.123Z");
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void recordsTheEnvelopeTheTypeAndThePayloadAsJson() throws Exception {
        // given
        UUID eventId = UUID.randomUUID();
        DomainEvent event = event(eventId.toString(), new TenantCreated("Acme \"Labs\"", Plan.PRO));

        // when
        AuditEntry entry = AuditEntry.of(event);

        // then
        assertThat(entry.eventId()).isEqualTo(eventId);
        assertThat(entry.tenantId()).isEqualTo("t1");
        assertThat(entry.type()).isEqualTo(AuditEventType.TENANT_CREATED);
        assertThat(entry.occurredAt()).isEqualTo(AT);
        assertThat(entry.actor()).isEqualTo("admin");
        assertThat(entry.subject()).isEqualTo("tenant/t1");
        assertThat(entry.producedBy()).isEqualTo("orchestrator");
        assertThat(json.readTree(entry.payloadJson()))
                .isEqualTo(json.readTree("{\"name\":\"Acme \\\"Labs\\\"\",\"plan\":\"PRO\"}"));
    }

    @Test
    void writesThePayloadsKeysSortedAsTheChainsCanonicalFormOrdersThem() throws Exception {
        // given a record whose schema declares its fields out of alphabetical order
        UsageRollup rollup = UsageRollup.newBuilder().setTenantId("t1").setMeter(Meter.PROMPT_TOKENS).setWindowStart(AT)
                .setWindowEnd(AT.plusSeconds(60)).setQuantity(42L).build();

        // when
        String payload = PayloadJson.of(rollup);

        // then
        List<String> keys = new ArrayList<>();
        json.readTree(payload).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).hasSizeGreaterThan(3).isSorted();
        assertThat(rollup.getSchema().getFields()).extracting(f -> f.name()).isNotEqualTo(keys);
    }

    @Test
    void rejectsAnEventIdThatIsNotAUuid() {
        assertThatIllegalArgumentException().isThrownBy(
                () -> AuditEntry.of(event("not-a-uuid", new TenantCreated("Acme", Plan.FREE))));
    }

    @Test
    void writesTimestampsAsIsoTextAndNumbersAsNumbers() throws Exception {
        // given a record with logical types, an enum and a long
        UsageRollup rollup = UsageRollup.newBuilder().setTenantId("t1").setMeter(Meter.PROMPT_TOKENS).setWindowStart(AT)
                .setWindowEnd(AT.plusSeconds(60)).setQuantity(42L).build();

        // when
        JsonNode node = json.readTree(PayloadJson.of(rollup));

        // then
        assertThat(node.get("windowStart").asText()).isEqualTo("2025-03-01T10:00:00.123Z");
        assertThat(node.get("meter").asText()).isEqualTo("PROMPT_TOKENS");
        assertThat(node.get("quantity").isNumber()).isTrue();
        assertThat(node.get("quantity").asLong()).isEqualTo(42L);
    }

    private static DomainEvent event(String eventId, Object payload) {
        return DomainEvent.newBuilder().setEventId(eventId).setTenantId("t1").setOccurredAt(AT).setActor("admin")
                .setSubject("tenant/t1").setProducedBy("orchestrator").setPayload(payload).build();
    }
}
