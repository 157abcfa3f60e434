package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

class TraceParentTest {

    @Test
    void shouldKeepTheTraceAndChangeTheSpanForAChild() {
        TraceParent root = TraceParent.newRoot();

        TraceParent child = root.child();

        assertThat(child.traceId()).isEqualTo(root.traceId());
        assertThat(child.spanId()).isNotEqualTo(root.spanId());
        assertThat(TraceParent.parse(child.toString())).contains(child);
    }

    @Test
    void shouldIgnoreMalformedHeaders() {
        assertThat(TraceParent.parse("01-zz")).isEmpty();
        assertThat(TraceParent.parse(null)).isEmpty();
        assertThat(TraceParent.newRoot().toString()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void samplesNewTracesWithTheConfiguredProbability() {
        try {
            TraceParent.sampleNewTraces(0);
            assertThat(TraceParent.newRoot().sampled()).isFalse();
            assertThat(TraceParent.newRoot().flags()).isEqualTo("00");
            TraceParent.sampleNewTraces(1);
            assertThat(TraceParent.newRoot().sampled()).isTrue();
        } finally {
            TraceParent.sampleNewTraces(1);
        }
        assertThatThrownBy(() -> TraceParent.sampleNewTraces(1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void continuesTheSpanCurrentOnTheThread() {
        SpanContext span = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getSampled(), TraceState.getDefault());

        try (Scope scope = Context.root().with(Span.wrap(span)).makeCurrent()) {
            assertThat(TraceParent.currentOrNewRoot())
                    .isEqualTo(new TraceParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "01"));
        }
        assertThat(TraceParent.current()).isEmpty();
        assertThat(TraceParent.currentOrNewRoot().traceId()).isNotEqualTo("0af7651916cd43dd8448eb211c80319c");
    }
}
