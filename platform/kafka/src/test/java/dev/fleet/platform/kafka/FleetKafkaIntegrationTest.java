package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.events.v1.ItemVector;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicProbe;

/**
 * The platform's conventions against a real broker, as a service sees them: topic provisioning,
 * headers, the error policy with dead-letter topics, mirrors and reply routing (to the partition
 * the request named).
 */
@SpringBootTest(classes = FleetKafkaIntegrationTest.App.class, properties = {
        "fleet.kafka.service=scorer", "fleet.kafka.retry-backoff=10ms", "fleet.kafka.retry-attempts=2",
        "spring.main.web-application-type=none"})
class FleetKafkaIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @Autowired
    FleetPublisher publisher;
    @Autowired
    Received received;
    @Autowired
    ReplyRouter<ScoreResult> replies;
    @Autowired
    TopicMirrors mirrors;
    @Autowired
    ListenerOutages outages;

    private final TopicProbe probe = TopicProbe.shared();

    @Test
    void shouldProvisionTheServicesTopicsWithTheirDeadLetterTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(FleetTopics.SCORE_REQUESTS.name(),
                    FleetTopics.SCORE_REQUESTS.dlq(), FleetTopics.ITEM_VECTORS.name())).allTopicNames().get();
            assertThat(topics.get(FleetTopics.SCORE_REQUESTS.name()).partitions())
                    .hasSize(FleetTopics.SCORE_REQUESTS.partitions());
            assertThat(topics.get(FleetTopics.SCORE_REQUESTS.dlq()).partitions())
                    .hasSize(FleetTopics.SCORE_REQUESTS.partitions());
            ConfigResource vectors = new ConfigResource(ConfigResource.Type.TOPIC, FleetTopics.ITEM_VECTORS.name());
            assertThat(admin.describeConfigs(List.of(vectors)).all().get().get(vectors)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            // a topic the scorer does not touch is not its to create
            assertThat(admin.listTopics().names().get()).doesNotContain(FleetTopics.CHAT_REQUESTS.name());
        }
    }

    @Test
    void shouldStampFleetHeadersOnEveryRecord() {
        String requestId = "headers-" + UUID.randomUUID();
        EventContext context = EventContext.newEvent("tenant-h");

        publisher.publish(FleetTopics.SCORE_REQUESTS, requestId, scoreRequest(requestId), context).join();

        await().atMost(WAIT).until(() -> received.headers.containsKey(requestId));
        Map<String, String> headers = received.headers.get(requestId);
        assertThat(headers).containsEntry(FleetHeaders.EVENT_ID, context.eventId())
                .containsEntry(FleetHeaders.TENANT_ID, "tenant-h")
                .containsEntry(FleetHeaders.PRODUCED_BY, "scorer");
        // the producer span's (decision 0038): the event's trace, the span the send recorded
        assertThat(TraceParent.parse(headers.get(FleetHeaders.TRACEPARENT))).get()
                .satisfies(trace -> assertThat(trace.traceId()).isEqualTo(context.trace().traceId()));
    }

    @Test
    void shouldDeadLetterAPoisonRecordAndGoOn() {
        String poisonKey = "poison-" + UUID.randomUUID();
        byte[] poison = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        String nextId = "after-poison-" + UUID.randomUUID();

        probe.sendRaw(FleetTopics.SCORE_REQUESTS.name(), poisonKey, poison);
        publisher.publish(FleetTopics.SCORE_REQUESTS, nextId, scoreRequest(nextId), EventContext.newEvent("t"));

        ConsumerRecord<byte[], byte[]> dead = probe.awaitKey(FleetTopics.SCORE_REQUESTS.dlq(), poisonKey, WAIT);
        assertThat(dead.value()).isEqualTo(poison);
        assertThat(TopicProbe.header(dead, FleetHeaders.ERROR)).get().asString()
                .contains(FleetTopics.SCORE_REQUESTS.name()).contains("not an Avro single-object record");
        assertThat(TopicProbe.header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC))
                .contains(FleetTopics.SCORE_REQUESTS.name());
        await().atMost(WAIT).until(() -> received.headers.containsKey(nextId));
    }

    @Test
    void shouldDeadLetterARecordWithAnUnknownWriterSchemaNamingItsFingerprint() throws Exception {
        Schema foreign = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"FromTheFuture\",\"namespace\":\"x\","
                        + "\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
        GenericRecord record = new GenericData.Record(foreign);
        record.put("a", "b");
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), foreign).encode(record);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        String key = "future-" + UUID.randomUUID();

        probe.sendRaw(FleetTopics.SCORE_REQUESTS.name(), key, bytes);

        ConsumerRecord<byte[], byte[]> dead = probe.awaitKey(FleetTopics.SCORE_REQUESTS.dlq(), key, WAIT);
        assertThat(dead.value()).isEqualTo(bytes);
        assertThat(TopicProbe.header(dead, FleetHeaders.ERROR)).get().asString()
                .startsWith("UnknownSchemaException")
                .contains(FleetTopics.SCORE_REQUESTS.name())
                .contains(String.format("%016x", SchemaNormalization.parsingFingerprint64(foreign)));
    }

    @Test
    void shouldRetryAFailingRecordBoundedlyThenDeadLetterIt() {
        String failing = "fail-" + UUID.randomUUID();

        publisher.publish(FleetTopics.SCORE_REQUESTS, failing, scoreRequest(failing), EventContext.newEvent("t"));

        probe.awaitKey(FleetTopics.SCORE_REQUESTS.dlq(), failing, WAIT);
        assertThat(received.attempts.get(failing)).hasValue(3); // first try + 2 retries
    }

    @Test
    void shouldRetryATransientFailureUntilItPassesWithoutDeadLetteringIt() {
        // given a record whose processing meets an unreachable database five times
        String flaky = "flaky-" + UUID.randomUUID();

        // when
        publisher.publish(FleetTopics.SCORE_REQUESTS, flaky, scoreRequest(flaky), EventContext.newEvent("t"));

        // then it is processed at the sixth attempt, the outage was visible meanwhile, and nothing was dead-lettered
        await().atMost(WAIT).until(() -> received.headers.containsKey(flaky));
        assertThat(received.attempts.get(flaky)).hasValue(6);
        assertThat(received.outagesSeen).isNotEmpty().allSatisfy(outages -> assertThat(outages).isPositive());
        await().atMost(WAIT).untilAsserted(() -> assertThat(outages.current()).isEmpty());
        assertThat(probe.readAll(FleetTopics.SCORE_REQUESTS.dlq()))
                .noneMatch(dead -> dead.key() != null && flaky.equals(new String(dead.key(), StandardCharsets.UTF_8)));
    }

    @Test
    void shouldMirrorACompactedTopicAndDeadLetterItsPoison() {
        String key = "t1/docs/" + UUID.randomUUID();
        String poisonKey = "t1/docs/poison-" + UUID.randomUUID();

        probe.sendRaw(FleetTopics.ITEM_VECTORS.name(), poisonKey, new byte[] {(byte) 0xC3, 0x01, 1, 2, 3});
        publisher.publish(FleetTopics.ITEM_VECTORS, key, vector(key), EventContext.newEvent("t1"));

        await().atMost(WAIT).until(() -> received.vectors.containsKey(key));
        ConsumerRecord<byte[], byte[]> dead = probe.awaitKey(FleetTopics.ITEM_VECTORS.dlq(), poisonKey, WAIT);
        assertThat(TopicProbe.header(dead, FleetHeaders.ERROR)).get().asString()
                .contains(FleetTopics.ITEM_VECTORS.name());

        publisher.tombstone(FleetTopics.ITEM_VECTORS, key, EventContext.newEvent("t1"));
        await().atMost(WAIT).until(() -> !received.vectors.containsKey(key));
        assertThat(mirrors.all()).allMatch(TopicMirror::isCaughtUp);
    }

    @Test
    void shouldRouteRepliesOnlyToTheRegisteredRequest() {
        String mine = "mine-" + UUID.randomUUID();
        String other = "other-" + UUID.randomUUID();
        List<ScoreResult> got = new CopyOnWriteArrayList<>();
        ReplyRouter.Registration<ScoreResult> registration = replies.register(mine);
        registration.replies().subscribe(got::add);

        publisher.publish(FleetTopics.SCORE_REPLIES, registration.partition(), other, result(other),
                EventContext.newEvent("t"));
        publisher.publish(FleetTopics.SCORE_REPLIES, registration.partition(), mine, result(mine),
                EventContext.newEvent("t"));

        await().atMost(WAIT).until(() -> !got.isEmpty());
        assertThat(got).extracting(ScoreResult::getRequestId).containsExactly(mine);
        await().atMost(WAIT).until(() -> replies.pendingCount() == 0);
    }

    private static ScoreRequested scoreRequest(String requestId) {
        return ScoreRequested.newBuilder().setRequestId(requestId).setTenantId("t").setCollection("c")
                .setQueryVector(List.of(1f, 0f)).setTopK(1).setReplyTo("test").setRequestedAt(Instant.now()).build();
    }

    private static ScoreResult result(String requestId) {
        return ScoreResult.newBuilder().setRequestId(requestId).setItems(List.of()).build();
    }

    private static ItemVector vector(String key) {
        String[] parts = key.split("/", 3);
        return ItemVector.newBuilder().setTenantId(parts[0]).setCollection(parts[1]).setItemId(parts[2])
                .setModel("m").setVector(List.of(1f, 0f)).setText("x").setMetadata(Map.of()).build();
    }

    /** What the test service's listener and mirror saw. */
    static class Received {
        final Map<String, Map<String, String>> headers = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final Map<String, ItemVector> vectors = new ConcurrentHashMap<>();
        final List<Integer> outagesSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableKafka
    static class App {

        @Bean
        Received received(TopicMirrors mirrors) {
            Received received = new Received();
            mirrors.fromBeginning(FleetTopics.ITEM_VECTORS, r -> {
                if (r.value() == null) {
                    received.vectors.remove(r.key());
                } else {
                    received.vectors.put(r.key(), r.value());
                }
            });
            return received;
        }

        @Bean
        ReplyRouter<ScoreResult> scoreReplies(ReplyConsumers replyConsumers) {
            return replyConsumers.router(FleetTopics.SCORE_REPLIES, r -> true);
        }

        @Bean
        Listener listener(Received received, ListenerOutages outages) {
            return new Listener(received, outages);
        }
    }

    static class Listener {
        private final Received received;
        private final ListenerOutages outages;

        Listener(Received received, ListenerOutages outages) {
            this.received = received;
            this.outages = outages;
        }

        @KafkaListener(topics = "#{T(dev.fleet.schemas.FleetTopics).SCORE_REQUESTS.name()}", groupId = "platform-test")
        void on(ConsumerRecord<String, ScoreRequested> record) {
            String id = record.value().getRequestId();
            int attempt = received.attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (id.startsWith("flaky-") && attempt > 1) {
                received.outagesSeen.add(outages.current().size());
            }
            if (id.startsWith("flaky-") && attempt < 6) {
                throw new org.springframework.dao.DataAccessResourceFailureException("connection refused: " + id);
            }
            if (id.startsWith("fail-")) {
                throw new IllegalStateException("cannot process " + id);
            }
            Map<String, String> headers = new ConcurrentHashMap<>();
            for (String name : Set.of(FleetHeaders.EVENT_ID, FleetHeaders.TENANT_ID, FleetHeaders.TRACEPARENT,
                    FleetHeaders.PRODUCED_BY)) {
                FleetHeaders.get(record.headers(), name).ifPresent(v -> headers.put(name, v));
            }
            received.headers.put(id, headers);
        }
    }
}
