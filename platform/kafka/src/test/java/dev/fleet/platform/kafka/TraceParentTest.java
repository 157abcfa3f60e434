package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
