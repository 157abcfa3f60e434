package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * Traces across a topic (decision 0038): a send records a producer span, the record listener that
 * receives it a consumer span under it (a batch listener one per record), one {@code traceparent}
 * header carries the link, and the listener's {@link EventContext} continues the consumer span.
 */
@SpringBootTest(classes = KafkaTracingIntegrationTest.App.class, properties = {
        "fleet.kafka.service=scorer", "spring.main.web-application-type=none"})
@AutoConfigureObservability(metrics = false) // tests turn tracing off unless asked
class KafkaTracingIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String RECORD_LISTENER = "tracing-records";
    private static final String BATCH_LISTENER_GROUP = "platform-tracing-batch-test";
    private static final AttributeKey<String> LISTENER_ID = AttributeKey.stringKey("spring.kafka.listener.id");
    /** Not a bean: Spring Boot would also hand a SpanExporter bean to its own batching processor. */
    static final InMemorySpanExporter spans = InMemorySpanExporter.create();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @Autowired
    FleetPublisher publisher;
    @Autowired
    Listener listener;
    @Autowired
    BatchListener batches;
    @Autowired
    KafkaReachability reachability;
    @Autowired
    KafkaTemplate<String, SpecificRecord> template;

    @Test
    void consumerSpanOfTheListenerIsTheChildOfTheProducerSpanOfTheSend() {
        // given an event that continues a trace
        String requestId = "traced-" + UUID.randomUUID();
        EventContext context = EventContext.newEvent("tenant-t");

        // when it is published and the listener receives it
        publisher.publish(FleetTopics.SCORE_REQUESTS, requestId, scoreRequest(requestId), context).join();
        await().atMost(WAIT).until(() -> listener.received.containsKey(requestId)
                && consumerSpan(requestId) != null && producerSpan(requestId) != null);

        // then both spans are in the event's trace, the consumer's parent is the producer span
        SpanData producer = producerSpan(requestId);
        SpanData consumer = consumerSpan(requestId);
        assertThat(producer.getTraceId()).isEqualTo(context.trace().traceId());
        assertThat(producer.getParentSpanId()).isEqualTo(context.trace().spanId());
        assertThat(consumer.getTraceId()).isEqualTo(producer.getTraceId());
        assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());

        // and the record carried one traceparent, naming the producer span
        Delivery delivery = listener.received.get(requestId);
        assertThat(delivery.traceparents()).containsExactly(
                "00-" + producer.getTraceId() + "-" + producer.getSpanId() + "-01");
        // and the event the listener causes continues the consumer span
        assertThat(delivery.caused().trace().traceId()).isEqualTo(consumer.getTraceId());
        assertThat(delivery.caused().trace().spanId()).isEqualTo(consumer.getSpanId());
    }

    @Test
    void batchListenerRecordsAConsumerSpanPerRecordUnderItsProducerSpan() {
        String requestId = "batched-" + UUID.randomUUID();

        publisher.publish(FleetTopics.SCORE_REQUESTS, requestId, scoreRequest(requestId),
                EventContext.newEvent("tenant-t")).join();
        await().atMost(WAIT).until(() -> batches.received.contains(requestId) && producerSpan(requestId) != null
                && span(requestId, SpanKind.CONSUMER, BATCH_LISTENER_GROUP) != null);

        SpanData producer = producerSpan(requestId);
        SpanData batchConsumer = span(requestId, SpanKind.CONSUMER, BATCH_LISTENER_GROUP);
        assertThat(batchConsumer.getTraceId()).isEqualTo(producer.getTraceId());
        assertThat(batchConsumer.getParentSpanId()).isEqualTo(producer.getSpanId());
        assertThat(batchConsumer.getName()).isEqualTo(FleetTopics.SCORE_REQUESTS.name() + " receive");
    }

    @Test
    void producerSpanNamesTheClusterTheReachabilityCheckSawWithoutLookingItUp() {
        String requestId = "cluster-" + UUID.randomUUID();

        publisher.publish(FleetTopics.SCORE_REQUESTS, requestId, scoreRequest(requestId),
                EventContext.newEvent("tenant-t")).join();
        await().atMost(WAIT).until(() -> producerSpan(requestId) != null);

        assertThat(template.getKafkaAdmin()).isInstanceOf(KnownClusterId.class);
        assertThat(reachability.clusterId()).isNotBlank();
        assertThat(producerSpan(requestId).getAttributes().get(AttributeKey.stringKey("peer.service")))
                .isEqualTo("Apache Kafka: " + reachability.clusterId());
    }

    @Test
    void unsampledEventRecordsNoSpanButKeepsItsTrace() {
        // given an event of a trace the sampler dropped
        String requestId = "unsampled-" + UUID.randomUUID();
        TraceParent dropped = new TraceParent(TraceParent.newRoot().traceId(), TraceParent.newRoot().spanId(), "00");
        EventContext context = new EventContext("tenant-t", UUID.randomUUID().toString(), dropped);

        // when it is published and received, followed by a sampled one on the same partition (same key),
        // whose consumer span ends after the first record's would have
        String marker = requestId + "-marker";
        publisher.publish(FleetTopics.SCORE_REQUESTS, requestId, scoreRequest(requestId), context).join();
        publisher.publish(FleetTopics.SCORE_REQUESTS, requestId, scoreRequest(marker), EventContext.newEvent("t"))
                .join();
        await().atMost(WAIT).until(() -> listener.received.containsKey(requestId) && consumerSpan(marker) != null);

        // then nothing is recorded, and the header still carries the trace, unsampled
        assertThat(spans.getFinishedSpanItems()).noneMatch(s -> s.getTraceId().equals(dropped.traceId()));
        assertThat(listener.received.get(requestId).traceparents()).singleElement()
                .satisfies(header -> assertThat(header).startsWith("00-" + dropped.traceId() + "-").endsWith("-00"));
    }

    private SpanData producerSpan(String requestId) {
        return span(requestId, SpanKind.PRODUCER, "");
    }

    /** The record listener's consumer span of the record {@code requestId}. */
    private SpanData consumerSpan(String requestId) {
        return span(requestId, SpanKind.CONSUMER, RECORD_LISTENER);
    }

    /**
     * The span of {@code kind} of the record {@code requestId} (of a listener whose id starts with
     * {@code listener}), found through the traceparent the record listener saw.
     */
    private SpanData span(String requestId, SpanKind kind, String listener) {
        String traceId = this.listener.traceIds.get(requestId);
        String producerSpanId = this.listener.parentSpanIds.get(requestId);
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == kind && s.getTraceId().equals(traceId))
                .filter(s -> kind == SpanKind.CONSUMER || s.getSpanId().equals(producerSpanId))
                .filter(s -> kind == SpanKind.PRODUCER
                        || String.valueOf(s.getAttributes().get(LISTENER_ID)).startsWith(listener))
                .findFirst().orElse(null);
    }

    private static ScoreRequested scoreRequest(String requestId) {
        return ScoreRequested.newBuilder().setRequestId(requestId).setTenantId("t").setCollection("c")
                .setQueryVector(List.of(1f, 0f)).setTopK(1).setReplyTo("test").setRequestedAt(Instant.now()).build();
    }

    /** What the listener saw of one record. */
    record Delivery(List<String> traceparents, EventContext caused) {
    }

    static class Listener {
        final Map<String, Delivery> received = new ConcurrentHashMap<>();
        final Map<String, String> traceIds = new ConcurrentHashMap<>();
        final Map<String, String> parentSpanIds = new ConcurrentHashMap<>();

        @KafkaListener(id = RECORD_LISTENER, topics = "#{T(dev.fleet.schemas.FleetTopics).SCORE_REQUESTS.name()}",
                groupId = "platform-tracing-test")
        void on(ConsumerRecord<String, ScoreRequested> record) {
            List<String> traceparents = new java.util.ArrayList<>();
            for (Header header : record.headers().headers(FleetHeaders.TRACEPARENT)) {
                traceparents.add(new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
            }
            String id = record.value().getRequestId();
            TraceParent.parse(traceparents.get(traceparents.size() - 1)).ifPresent(parent -> {
                traceIds.put(id, parent.traceId());
                parentSpanIds.put(id, parent.spanId());
            });
            received.put(id, new Delivery(traceparents, EventContext.causedBy(record.headers(), "fallback")));
        }
    }

    /** A micro-batching consumer, as the audit and the embedding worker are. */
    static class BatchListener {
        final java.util.Set<String> received = ConcurrentHashMap.newKeySet();

        @KafkaListener(id = "tracing-batches", topics = "#{T(dev.fleet.schemas.FleetTopics).SCORE_REQUESTS.name()}",
                groupId = BATCH_LISTENER_GROUP, containerFactory = "fleetBatchListenerFactory")
        void on(List<ConsumerRecord<String, ScoreRequested>> records) {
            for (int i = 0; i < records.size(); i++) {
                if (records.get(i).value() == null) { // undecodable (another test's poison record)
                    throw new BatchListenerFailedException("undecodable", i);
                }
                received.add(records.get(i).value().getRequestId());
            }
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableKafka
    static class App {

        @Bean
        SpanProcessor testSpanProcessor() {
            return SimpleSpanProcessor.create(spans);
        }

        @Bean
        Listener listener() {
            return new Listener();
        }

        @Bean
        BatchListener batchListener() {
            return new BatchListener();
        }
    }
}
