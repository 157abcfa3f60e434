package dev.fleet.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;

class ChainVerifierTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00.123456Z");

    @Test
    void acceptsAnIntactChainAndAnswersItsHead() {
        // given
        List<AuditedEvent> rows = chain(3);

        // when
        ChainVerification result = ChainVerifier.verify("t1", Flux.fromIterable(rows)).block();

        // then
        assertThat(result.valid()).isTrue();
        assertThat(result.rows()).isEqualTo(3);
        assertThat(result.firstBroken()).isNull();
        assertThat(result.headHash()).isEqualTo(ChainHead.hex(rows.get(2).hash()));
    }

    @Test
    void namesARowWhoseColumnsWereChanged() {
        // given the second row's actor changed after it was written
        List<AuditedEvent> rows = chain(3);
        AuditedEvent second = rows.get(1);
        rows.set(1, new AuditedEvent(second.seq(), second.eventId(), second.tenantId(), second.type(),
                second.occurredAt(), "someone else", second.subject(), second.producedBy(), second.payloadJson(),
                second.recordedAt(), second.chainPosition(), second.previousHash(), second.hash()));

        // when
        ChainVerification result = ChainVerifier.verify("t1", Flux.fromIterable(rows)).block();

        // then
        assertThat(result.valid()).isFalse();
        assertThat(result.rows()).isEqualTo(3);
        assertThat(result.firstBroken()).isEqualTo(new ChainVerification.Broken(second.eventId(), 2,
                "its hash is not what its columns give: the row was changed"));
    }

    @Test
    void namesTheRowAfterADeletedOne() {
        // given
        List<AuditedEvent> rows = chain(3);
        rows.remove(1);

        // when
        ChainVerification result = ChainVerifier.verify("t1", Flux.fromIterable(rows)).block();

        // then
        assertThat(result.firstBroken()).isEqualTo(new ChainVerification.Broken(rows.get(1).eventId(), 3,
                "position 3 is not the next one (2): a row before it was deleted or inserted"));
    }

    @Test
    void answersAnEmptyChainAsValidWithNoHead() {
        ChainVerification result = ChainVerifier.verify("t1", Flux.empty()).block();

        assertThat(result.valid()).isTrue();
        assertThat(result.rows()).isZero();
        assertThat(result.headHash()).isNull();
    }

    @Test
    void hashesTheCanonicalFormSoKeyOrderAndNumberNotationDoNotMatter() {
        // given the same payload as written and as PostgreSQL's jsonb gives it back
        UUID id = UUID.randomUUID();
        byte[] written = CanonicalEvent.of(id, "t1", "CompletionSucceeded", AT, "a", "s", "p",
                "{\"requestId\":\"r1\",\"cost\":1.0E10,\"tokens\":{\"prompt\":3,\"completion\":4}}");
        byte[] readBack = CanonicalEvent.of(id, "t1", "CompletionSucceeded", AT, "a", "s", "p",
                "{\"cost\": 10000000000, \"tokens\": {\"prompt\": 3, \"completion\": 4}, \"requestId\": \"r1\"}");

        // then
        assertThat(readBack).isEqualTo(written);
        assertThat(CanonicalEvent.of(id, "t1", "CompletionSucceeded", AT, "b", "s", "p", "{}"))
                .isNotEqualTo(CanonicalEvent.of(id, "t1", "CompletionSucceeded", AT, "a", "s", "p", "{}"));
    }

    private static List<AuditedEvent> chain(int length) {
        List<AuditedEvent> rows = new ArrayList<>();
        ChainHead head = ChainHead.GENESIS;
        for (int i = 1; i <= length; i++) {
            AuditEntry entry = new AuditEntry(UUID.randomUUID(), "t1", AuditEventType.COMPLETION_SUCCEEDED, AT,
                    "key/k1", "request/r" + i, "orchestrator", "{\"requestId\":\"r" + i + "\",\"promptTokens\":" + i + "}");
            ChainedEntry row = head.append(entry);
            head = ChainHead.after(row);
            rows.add(new AuditedEvent(i, entry.eventId(), "t1", entry.type().typeName(), AT, entry.actor(),
                    entry.subject(), entry.producedBy(), entry.payloadJson(), AT, row.position(), row.previousHash(),
                    row.hash()));
        }
        return rows;
    }
}
