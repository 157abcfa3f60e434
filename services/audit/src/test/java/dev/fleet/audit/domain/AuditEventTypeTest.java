package dev.fleet.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ApiKeyRevoked;
import dev.fleet.events.v1.CompletionSucceeded;
import dev.fleet.events.v1.ConsoleSignInRefused;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.events.v1.TenantStatusChanged;
import dev.fleet.events.v1.UsageRecorded;

class AuditEventTypeTest {

    @Test
    void hasOneTypeForEachPayloadOfTheDomainEventUnion() {
        // given
        Schema union = DomainEvent.getClassSchema().getField("payload").schema();

        // then
        assertThat(Arrays.stream(AuditEventType.values()).map(AuditEventType::typeName))
                .containsExactlyInAnyOrderElementsOf(union.getTypes().stream().map(Schema::getName).toList());
    }

    @Test
    void namesTheTypeAfterThePayloadRecord() {
        assertThat(AuditEventType.of(new CompletionSucceeded("r1", "m", 1, 2, null, 0, 0, 0, null, null)))
                .isEqualTo(AuditEventType.COMPLETION_SUCCEEDED);
        assertThat(AuditEventType.of(new ApiKeyRevoked("k1")).typeName()).isEqualTo("ApiKeyRevoked");
        assertThat(AuditEventType.of(new TenantStatusChanged(TenantStatus.SUSPENDED, TenantStatus.ACTIVE)))
                .isEqualTo(AuditEventType.TENANT_STATUS_CHANGED);
        assertThat(AuditEventType.of(new ConsoleSignInRefused(null, 1, "orchestrator-1")).typeName())
                .isEqualTo("ConsoleSignInRefused");
    }

    @Test
    void rejectsAPayloadThatIsNotADomainEvent() {
        assertThatIllegalArgumentException().isThrownBy(() -> AuditEventType.of(new UsageRecorded()));
        assertThatIllegalArgumentException().isThrownBy(() -> AuditEventType.of(null));
    }
}
