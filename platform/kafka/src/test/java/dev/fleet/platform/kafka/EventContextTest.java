package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

class EventContextTest {

    @Test
    void shouldDeriveTheSameEventIdEachTimeTheSameRecordIsProcessed() {
        RecordHeaders cause = headers("event-1");

        EventContext first = EventContext.derivedFrom(cause, "t1", "usage");
        EventContext again = EventContext.derivedFrom(cause, "t1", "usage");
        EventContext other = EventContext.derivedFrom(cause, "t1", "reply");

        assertThat(first.eventId()).isEqualTo(again.eventId()).isNotEqualTo("event-1");
        assertThat(other.eventId()).isNotEqualTo(first.eventId());
        assertThat(EventContext.derivedFrom(headers("event-2"), "t1", "usage").eventId())
                .isNotEqualTo(first.eventId());
    }

    @Test
    void shouldContinueTheTraceAndTenantOfTheCause() {
        TraceParent parent = TraceParent.newRoot();
        RecordHeaders cause = headers("event-1");
        cause.add(FleetHeaders.TRACEPARENT, parent.toString().getBytes(StandardCharsets.UTF_8));
        cause.add(FleetHeaders.TENANT_ID, "t9".getBytes(StandardCharsets.UTF_8));

        EventContext context = EventContext.causedBy(cause, "fallback");

        assertThat(context.tenantId()).isEqualTo("t9");
        assertThat(context.trace().traceId()).isEqualTo(parent.traceId());
        assertThat(context.trace().spanId()).isNotEqualTo(parent.spanId());
        assertThat(context.next().eventId()).isNotEqualTo(context.eventId());
    }

    @Test
    void shouldContinueTheListenersConsumerSpanWhenItIsCurrent() {
        TraceParent producer = TraceParent.newRoot();
        RecordHeaders cause = headers("event-1");
        cause.add(FleetHeaders.TRACEPARENT, producer.toString().getBytes(StandardCharsets.UTF_8));
        SpanContext consumer = SpanContext.create(producer.traceId(), "b7ad6b7169203331", TraceFlags.getSampled(),
                TraceState.getDefault());

        try (Scope scope = Context.root().with(Span.wrap(consumer)).makeCurrent()) {
            assertThat(EventContext.causedBy(cause, "t").trace())
                    .isEqualTo(new TraceParent(producer.traceId(), "b7ad6b7169203331", "01"));
        }
    }

    @Test
    void shouldFallBackToARandomIdWithoutACauseId() {
        RecordHeaders none = new RecordHeaders();

        assertThat(EventContext.derivedFrom(none, "t1", "usage").eventId())
                .isNotEqualTo(EventContext.derivedFrom(none, "t1", "usage").eventId());
    }

    private static RecordHeaders headers(String eventId) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(FleetHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
