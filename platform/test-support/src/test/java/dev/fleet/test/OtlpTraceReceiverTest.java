package dev.fleet.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

class OtlpTraceReceiverTest {

    @Test
    void keepsTheSpansAnOtlpExporterSends() {
        try (OtlpTraceReceiver receiver = OtlpTraceReceiver.start()) {
            // given a tracer of service "gateway" exporting to the receiver
            OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(receiver.endpoint())
                    .setCompression("gzip").build();
            SdkTracerProvider provider = SdkTracerProvider.builder()
                    .setResource(Resource.create(Attributes.of(
                            io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "gateway")))
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
            Tracer tracer = provider.get("test");

            // when a producer span and its child are recorded
            Span producer = tracer.spanBuilder("fleet.chat.requests.v1 send").setSpanKind(SpanKind.PRODUCER)
                    .startSpan();
            Span consumer = tracer.spanBuilder("fleet.chat.requests.v1 receive").setSpanKind(SpanKind.CONSUMER)
                    .setParent(Context.root().with(producer)).startSpan();
            consumer.end();
            producer.end();
            provider.forceFlush().join(10, TimeUnit.SECONDS);

            // then the receiver has both, with their ids, kinds and service
            String traceId = producer.getSpanContext().getTraceId();
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(traceId).size() == 2);
            assertThat(receiver.trace(traceId))
                    .extracting(ReceivedSpan::service, ReceivedSpan::spanId, ReceivedSpan::parentSpanId,
                            ReceivedSpan::name, ReceivedSpan::kind)
                    .containsExactlyInAnyOrder(
                            tuple("gateway", producer.getSpanContext().getSpanId(), "",
                                    "fleet.chat.requests.v1 send", ReceivedSpan.PRODUCER),
                            tuple("gateway", consumer.getSpanContext().getSpanId(),
                                    producer.getSpanContext().getSpanId(), "fleet.chat.requests.v1 receive",
                                    ReceivedSpan.CONSUMER));
            assertThat(receiver.trace(traceId)).allMatch(span -> span.startEpochNanos() > 0);
            provider.close();
        }
    }
}
