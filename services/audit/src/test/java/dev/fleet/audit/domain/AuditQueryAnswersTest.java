package dev.fleet.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.AuditQuery;
import dev.fleet.events.v1.AuditQueryKind;
import dev.fleet.events.v1.AuditQueryResult;
import dev.fleet.events.v1.ErrorCode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The answers to audit queries, over an in-memory log: the page bounds, the cursor, a blank type filter. */
class AuditQueryAnswersTest {

    private final RecordingLog log = new RecordingLog();
    private final AuditQueryAnswers answers = new AuditQueryAnswers(log, 3, 10);

    @Test
    void asksForTheDefaultPageSizeOfEveryTypeWhenTheQueryGivesNeither() {
        AuditQueryResult result = answers.answer(query().setEventType(" ").build()).block();

        assertThat(log.asked).containsExactly("t1 null 0 3");
        assertThat(result.getEntries()).hasSize(3);
        assertThat(result.getNextAfterSequence()).isEqualTo(3L);
    }

    @Test
    void saysThereIsNoNextPageWhenThePageIsNotFull() {
        AuditQueryResult result = answers.answer(query().setEventType("ApiKeyIssued").setAfterSequence(8).setLimit(5)
                .build()).block();

        assertThat(log.asked).containsExactly("t1 ApiKeyIssued 8 5");
        assertThat(result.getEntries()).extracting(e -> e.getSequence()).containsExactly(9L, 10L);
        assertThat(result.getNextAfterSequence()).isNull();
    }

    @Test
    void refusesALimitOrCursorOutOfBoundsWithoutReadingTheLog() {
        AuditQueryResult tooMany = answers.answer(query().setLimit(11).build()).block();
        AuditQueryResult none = answers.answer(query().setLimit(0).build()).block();
        AuditQueryResult negative = answers.answer(query().setAfterSequence(-1).build()).block();

        assertThat(List.of(tooMany, none, negative)).allSatisfy(r -> {
            assertThat(r.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(r.getRequestId()).isEqualTo("r1");
        });
        assertThat(log.asked).isEmpty();
    }

    private static AuditQuery.Builder query() {
        return AuditQuery.newBuilder().setRequestId("r1").setTenantId("t1").setKind(AuditQueryKind.EVENTS)
                .setReplyTo("test").setRequestedAt(Instant.EPOCH);
    }

    /** Ten events of tenant t1, sequences 1 to 10, whatever the type asked for. */
    private static final class RecordingLog implements AuditLog {
        final List<String> asked = new ArrayList<>();

        @Override
        public Flux<AuditedEvent> page(String tenantId, String type, long afterSeq, int limit) {
            asked.add(tenantId + " " + type + " " + afterSeq + " " + limit);
            return Flux.range(1, 10).filter(seq -> seq > afterSeq).take(limit)
                    .map(seq -> new AuditedEvent(seq, UUID.randomUUID(), tenantId, "ApiKeyIssued", Instant.EPOCH, "admin",
                            "key/k1", "orchestrator", "{}", Instant.EPOCH));
        }

        @Override
        public Mono<Integer> append(List<AuditEntry> entries) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Flux<AuditedEvent> export(String tenantId, Instant from, Instant to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Flux<AuditedEvent> chain(String tenantId) {
            throw new UnsupportedOperationException();
        }
    }
}
