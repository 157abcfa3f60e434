package dev.fleet.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ItemVector;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.RecommendExamples;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.scorer.domain.VectorIndex;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicReader;

/** The scorer against the real in-JVM broker, driven through Kafka. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // leaves the broker to the sharding test's replicas
class ScorerIntegrationTest {

    private static final Deserializer<SpecificRecord> FLEET_VALUES =
            new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()).deserializer();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
            new StringSerializer(), new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()).serializer());

    private static final KafkaProducer<byte[], byte[]> rawProducer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer());

    @Autowired
    private WebTestClient web;

    @Autowired
    private VectorIndex index;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
        registry.add("management.endpoint.health.group.readiness.show-details", () -> "always");
    }

    @AfterAll
    static void closeProducers() {
        producer.close(Duration.ofSeconds(5));
        rawProducer.close(Duration.ofSeconds(5));
    }

    @Test
    void ranksATenantsItemsBestFirstAndNeverShowsAnotherTenants() throws Exception {
        // given
        String tenantA = UUID.randomUUID().toString();
        String tenantB = UUID.randomUUID().toString();
        publishVector(tenantA, "docs", "east", 1, 0, 0, 0);
        publishVector(tenantA, "docs", "north-east", 1, 1, 0, 0);
        publishVector(tenantA, "docs", "north", 0, 1, 0, 0);
        publishVector(tenantB, "docs", "b-east", 1, 0, 0, 0);
        awaitIndexed(tenantA, "docs", 3);
        awaitIndexed(tenantB, "docs", 1);
        ScoreRequested request = request(tenantA, "docs", 5, 1f, 0.1f, 0f, 0f);

        try (var replies = TopicReader.decoded(FleetTopics.SCORE_REPLIES.name(), FLEET_VALUES);
                var usage = TopicReader.decoded(FleetTopics.USAGE.name(), FLEET_VALUES)) {
            // when
            sendRequest(request);

            // then
            ConsumerRecord<String, SpecificRecord> reply = replies.awaitRecord(
                    r -> r.key().equals(request.getRequestId()), TIMEOUT);
            ScoreResult result = (ScoreResult) reply.value();
            assertThat(result.getError()).isNull();
            assertThat(result.getItems()).extracting(ScoredItem::getItemId)
                    .containsExactly("east", "north-east", "north");
            assertThat(result.getItems()).extracting(ScoredItem::getScore).isSortedAccordingTo((a, b) -> b.compareTo(a));
            assertThat(result.getItems().get(0).getText()).isEqualTo("text of east");
            assertThat(result.getItems().get(0).getMetadata()).containsEntry("source", "test");
            assertThat(FleetHeaders.get(reply.headers(), FleetHeaders.PRODUCED_BY)).contains("scorer");

            UsageRecorded used = (UsageRecorded) usage.awaitRecord(r -> r.key().equals(tenantA), TIMEOUT).value();
            assertThat(used.getMeter()).isEqualTo(Meter.SEARCH_QUERIES);
            assertThat(used.getQuantity()).isEqualTo(1);
        }
    }

    @Test
    void stopsFindingAnItemOnceItsTombstoneArrives() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        publishVector(tenant, "docs", "keep", 1, 0, 0, 0);
        publishVector(tenant, "docs", "guides/drop", 1, 0, 0, 0);
        awaitIndexed(tenant, "docs", 2);

        // when
        producer.send(new ProducerRecord<>(FleetTopics.ITEM_VECTORS.name(), home(tenant, "docs"),
                tenant + "/docs/guides/drop", null)).get();
        awaitIndexed(tenant, "docs", 1);

        // then
        ScoreResult result = search(request(tenant, "docs", 10, 1f, 0f, 0f, 0f));
        assertThat(result.getItems()).extracting(ScoredItem::getItemId).containsExactly("keep");
    }

    @Test
    void answersAnUnknownCollectionWithNoHitsAndAQueryOfAnotherDimensionWithAnError() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        publishVector(tenant, "docs", "x", 1, 0, 0, 0);
        awaitIndexed(tenant, "docs", 1);

        // when
        ScoreResult unknown = search(request(tenant, "nothing-here", 5, 1f, 0f, 0f, 0f));
        ScoreResult mismatch = search(request(tenant, "docs", 5, 1f, 0f));

        // then
        assertThat(unknown.getError()).isNull();
        assertThat(unknown.getItems()).isEmpty();
        assertThat(mismatch.getItems()).isEmpty();
        assertThat(mismatch.getError().getType()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
        assertThat(mismatch.getError().getCode()).isEqualTo(ErrorCode.DIMENSION_MISMATCH);
    }

    @Test
    void answersTheRequestsAroundAnUndecodableOneInTheSamePollAndDeadLettersOnlyIt() throws Exception {
        // given three requests sent together to one partition (one poll, as a batch listener gets them)
        String tenant = UUID.randomUUID().toString();
        publishVector(tenant, "docs", "x", 1, 0, 0, 0);
        awaitIndexed(tenant, "docs", 1);
        ScoreRequested before = request(tenant, "docs", 5, 1f, 0f, 0f, 0f);
        ScoreRequested after = request(tenant, "docs", 5, 1f, 0f, 0f, 0f);
        byte[] poisonKey = ("poison-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        byte[] garbage = "not a score request either".getBytes(StandardCharsets.UTF_8);

        try (var dlq = TopicReader.raw(FleetTopics.SCORE_REQUESTS.dlq());
                var replies = TopicReader.decoded(FleetTopics.SCORE_REPLIES.name(), FLEET_VALUES)) {
            // when
            int partition = home(tenant, "docs");
            producer.send(new ProducerRecord<>(FleetTopics.SCORE_REQUESTS.name(), partition, before.getRequestId(),
                    before));
            rawProducer.send(new ProducerRecord<>(FleetTopics.SCORE_REQUESTS.name(), partition, poisonKey, garbage));
            producer.send(new ProducerRecord<>(FleetTopics.SCORE_REQUESTS.name(), partition, after.getRequestId(),
                    after));
            producer.flush();
            rawProducer.flush();

            // then both requests are answered and only the undecodable one is dead-lettered
            for (ScoreRequested answered : List.of(before, after)) {
                ScoreResult result = (ScoreResult) replies.awaitRecord(
                        r -> r.key().equals(answered.getRequestId()), TIMEOUT).value();
                assertThat(result.getItems()).extracting(ScoredItem::getItemId).containsExactly("x");
            }
            ConsumerRecord<byte[], byte[]> dead = dlq.awaitRecord(r -> Arrays.equals(r.key(), poisonKey), TIMEOUT);
            assertThat(dead.value()).isEqualTo(garbage);
        }
    }

    @Test
    void deadLettersAnUndecodableRequestAndAnswersTheNextOne() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        publishVector(tenant, "docs", "x", 1, 0, 0, 0);
        awaitIndexed(tenant, "docs", 1);
        byte[] poisonKey = ("poison-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        byte[] garbage = "not a score request".getBytes(StandardCharsets.UTF_8);

        try (var dlq = TopicReader.raw(FleetTopics.SCORE_REQUESTS.dlq())) {
            // when
            rawProducer.send(new ProducerRecord<>(FleetTopics.SCORE_REQUESTS.name(), poisonKey, garbage)).get();
            ScoreResult next = search(request(tenant, "docs", 5, 1f, 0f, 0f, 0f));

            // then
            ConsumerRecord<byte[], byte[]> dead = dlq.awaitRecord(r -> Arrays.equals(r.key(), poisonKey), TIMEOUT);
            assertThat(dead.value()).isEqualTo(garbage);
            assertThat(next.getItems()).extracting(ScoredItem::getItemId).containsExactly("x");
        }
    }

    @Test
    void deadLettersAnUndecodableItemVectorAndIndexesTheNextOne() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        byte[] poisonKey = (tenant + "/docs/poison").getBytes(StandardCharsets.UTF_8);
        byte[] garbage = "not an item vector".getBytes(StandardCharsets.UTF_8);

        try (var dlq = TopicReader.raw(FleetTopics.ITEM_VECTORS.dlq())) {
            // when
            rawProducer.send(new ProducerRecord<>(FleetTopics.ITEM_VECTORS.name(), home(tenant, "docs"), poisonKey,
                    garbage)).get();
            publishVector(tenant, "docs", "fine", 0, 1, 0, 0);

            // then
            ConsumerRecord<byte[], byte[]> dead = dlq.awaitRecord(r -> Arrays.equals(r.key(), poisonKey), TIMEOUT);
            assertThat(dead.value()).isEqualTo(garbage);
            awaitIndexed(tenant, "docs", 1);
            assertThat(search(request(tenant, "docs", 5, 0f, 1f, 0f, 0f)).getItems())
                    .extracting(ScoredItem::getItemId).containsExactly("fine");
        }
    }

    @Test
    void answersOnTheReplyPartitionTheRequestNames() throws Exception {
        // given a request naming a reply partition other than its key's
        ScoreRequested request = request(UUID.randomUUID().toString(), "none", 3, 1f, 0f);
        request.setReplyPartition(notTheKeysPartition(request.getRequestId(), FleetTopics.SCORE_REPLIES));

        try (var replies = TopicReader.decoded(FleetTopics.SCORE_REPLIES.name(), FLEET_VALUES)) {
            // when
            sendRequest(request);

            // then
            ConsumerRecord<String, SpecificRecord> reply = replies.awaitRecord(
                    r -> r.key().equals(request.getRequestId()), TIMEOUT);
            assertThat(reply.partition()).isEqualTo(request.getReplyPartition());
        }
    }

    @Test
    void filtersByMetadataDuringTheScanAndRecommendsByExampleOverKafka() throws Exception {
        // given: the nearest items are another team's
        String tenant = UUID.randomUUID().toString();
        publishVector(tenant, "docs", "sales-1", Map.of("team", "sales"), 1, 0, 0, 0);
        publishVector(tenant, "docs", "sales-2", Map.of("team", "sales"), 1, 0.1f, 0, 0);
        publishVector(tenant, "docs", "billing-a", Map.of("team", "billing", "tier", "a"), 1, 1, 0, 0);
        publishVector(tenant, "docs", "billing-b", Map.of("team", "billing", "tier", "b"), 0.2f, 1, 0, 0);
        publishVector(tenant, "docs", "billing-c", Map.of("team", "billing", "tier", "c"), 1, 0.5f, 0, 0);
        publishVector(tenant, "docs", "disliked", Map.of("team", "billing", "tier", "a"), 0, 0, 1, 0);
        awaitIndexed(tenant, "docs", 6);
        ScoreRequested filtered = request(tenant, "docs", 2, 1f, 0f, 0f, 0f);
        filtered.setFilter(Map.of("team", List.of("billing"), "tier", List.of("a", "b")));
        ScoreRequested recommend = request(tenant, "docs", 3);
        recommend.setRecommend(new RecommendExamples(List.of("billing-a"), List.of("disliked")));
        recommend.setFilter(Map.of("team", List.of("billing")));
        ScoreRequested unknown = request(tenant, "docs", 3);
        unknown.setRecommend(new RecommendExamples(List.of("ghost"), List.of()));

        // when
        ScoreResult filteredHits = search(filtered);
        ScoreResult recommended = search(recommend);
        ScoreResult refused = search(unknown);

        // then
        assertThat(filteredHits.getItems()).extracting(ScoredItem::getItemId).containsExactly("billing-a", "billing-b");
        assertThat(recommended.getError()).isNull();
        assertThat(recommended.getItems()).extracting(ScoredItem::getItemId)
                .containsExactly("billing-c", "billing-b");
        assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(refused.getError().getMessage()).contains("ghost");
    }

    @Test
    void deadLettersAnItemVectorOnAnotherPartitionThanItsCollectionsAndRefusesAMisroutedSearch() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        String key = tenant + "/docs/stray";
        ItemVector stray = ItemVector.newBuilder().setTenantId(tenant).setCollection("docs").setItemId("stray")
                .setModel("all-minilm-l6-v2").setVector(List.of(1f, 0f)).setText("stray").setMetadata(Map.of())
                .build();
        int elsewhere = (home(tenant, "docs") + 1) % FleetTopics.ITEM_VECTORS.partitions();
        ScoreRequested misrouted = request(tenant, "docs", 3, 1f, 0f);

        try (var dlq = TopicReader.raw(FleetTopics.ITEM_VECTORS.dlq());
                var replies = TopicReader.decoded(FleetTopics.SCORE_REPLIES.name(), FLEET_VALUES)) {
            // when
            producer.send(new ProducerRecord<>(FleetTopics.ITEM_VECTORS.name(), elsewhere, key, stray)).get();
            producer.send(new ProducerRecord<>(FleetTopics.SCORE_REQUESTS.name(), elsewhere,
                    misrouted.getRequestId(), misrouted)).get();

            // then
            ConsumerRecord<byte[], byte[]> dead = dlq.awaitRecord(
                    r -> Arrays.equals(r.key(), key.getBytes(StandardCharsets.UTF_8)), TIMEOUT);
            assertThat(new String(dead.headers().lastHeader("kafka_dlt-exception-message").value(),
                    StandardCharsets.UTF_8)).contains("its collection's partition is " + home(tenant, "docs"));
            ScoreResult refused = (ScoreResult) replies.awaitRecord(
                    r -> r.key().equals(misrouted.getRequestId()), TIMEOUT).value();
            assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(index.size(tenant, "docs")).isZero();
        }
    }

    @Test
    void reportsReadyOnceItsItemVectorPartitionsAreRebuilt() {
        // the only replica of its group: every partition, each rebuilt
        await().atMost(TIMEOUT).untilAsserted(() -> web.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.itemVectorShards.status").isEqualTo("UP")
                .jsonPath("$.components.itemVectorShards.details.assigned").isEqualTo(true)
                .jsonPath("$.components.itemVectorShards.details.0").isEqualTo("ready")
                .jsonPath("$.components.itemVectorShards.details.5").isEqualTo("ready"));
    }

    private ScoreResult search(ScoreRequested request) throws Exception {
        try (var replies = TopicReader.decoded(FleetTopics.SCORE_REPLIES.name(), FLEET_VALUES)) {
            sendRequest(request);
            return (ScoreResult) replies.awaitRecord(r -> r.key().equals(request.getRequestId()), TIMEOUT).value();
        }
    }

    private void awaitIndexed(String tenant, String collection, int items) {
        await().atMost(TIMEOUT).until(() -> index.size(tenant, collection) == items);
    }

    private static void publishVector(String tenant, String collection, String itemId, float... vector)
            throws Exception {
        publishVector(tenant, collection, itemId, Map.of("source", "test"), vector);
    }

    private static void publishVector(String tenant, String collection, String itemId, Map<String, String> metadata,
            float... vector) throws Exception {
        List<Float> values = new java.util.ArrayList<>();
        for (float v : vector) {
            values.add(v);
        }
        ItemVector item = ItemVector.newBuilder()
                .setTenantId(tenant)
                .setCollection(collection)
                .setItemId(itemId)
                .setModel("all-minilm-l6-v2")
                .setVector(values)
                .setText("text of " + itemId)
                .setMetadata(metadata)
                .build();
        producer.send(new ProducerRecord<>(FleetTopics.ITEM_VECTORS.name(), home(tenant, collection),
                tenant + "/" + collection + "/" + itemId, item)).get();
    }

    /** The partition of a collection's vectors and searches (decision 0034). */
    private static int home(String tenant, String collection) {
        return CollectionPartition.of(tenant, collection, FleetTopics.ITEM_VECTORS.partitions());
    }

    /** A search, on its collection's partition, as the platform's KnowledgeClient sends it. */
    private static void sendRequest(ScoreRequested request) throws Exception {
        producer.send(new ProducerRecord<>(FleetTopics.SCORE_REQUESTS.name(),
                home(request.getTenantId(), request.getCollection()), request.getRequestId(), request)).get();
    }

    /** A partition of {@code topic} that is not where the default partitioner would put {@code key}. */
    private static int notTheKeysPartition(String key, Topic<?> topic) {
        int keyed = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % topic.partitions();
        return (keyed + 1) % topic.partitions();
    }

    private static ScoreRequested request(String tenant, String collection, int topK, Float... query) {
        return ScoreRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(tenant)
                .setCollection(collection)
                .setQueryVector(List.of(query))
                .setTopK(topK)
                .setReplyTo("test")
                .setRequestedAt(Instant.now())
                .build();
    }
}
