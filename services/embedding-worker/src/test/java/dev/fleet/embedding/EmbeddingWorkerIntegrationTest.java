package dev.fleet.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
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
import org.springframework.boot.actuate.health.HealthEndpointGroup;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ItemDeleted;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.events.v1.ItemVector;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.ReindexJob;
import dev.fleet.events.v1.ReindexState;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicReader;

/** The embedding-worker against the real in-JVM broker and the real model, driven through Kafka. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "fleet.embedding.model-version=" + EmbeddingWorkerIntegrationTest.MODEL_VERSION)
@AutoConfigureObservability(tracing = false) // tests turn metrics export off unless asked
class EmbeddingWorkerIntegrationTest {

    private static final Deserializer<SpecificRecord> FLEET_VALUES =
            new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()).deserializer();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static final String MODEL_VERSION = "it-2";

    private static final KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
            new StringSerializer(), new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()).serializer());

    @Autowired
    private WebTestClient web;

    @Autowired
    private HealthEndpointGroups healthGroups;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @AfterAll
    static void closeProducer() {
        producer.close(Duration.ofSeconds(5));
    }

    @Test
    void answersARequestWithOneNormalisedSemanticVectorPerInputAndRecordsItsTokens() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        EmbeddingRequested request = request(tenant, KnowledgeClient.EMBEDDING_MODEL, "cat", "kitten", "stock market");

        try (var replies = TopicReader.decoded(FleetTopics.EMBEDDING_REPLIES.name(), FLEET_VALUES);
                var usage = TopicReader.decoded(FleetTopics.USAGE.name(), FLEET_VALUES)) {
            // when
            send(FleetTopics.EMBEDDING_REQUESTS.name(), request.getRequestId(), request);

            // then
            ConsumerRecord<String, SpecificRecord> reply = replies.awaitRecord(
                    r -> r.key().equals(request.getRequestId()), TIMEOUT);
            EmbeddingResult result = (EmbeddingResult) reply.value();
            assertThat(result.getError()).isNull();
            assertThat(result.getModel()).isEqualTo(KnowledgeClient.EMBEDDING_MODEL);
            assertThat(result.getVectors()).hasSize(3);
            assertThat(result.getVectors()).extracting(v -> v.getIndex()).containsExactly(0, 1, 2);
            assertThat(result.getVectors()).allSatisfy(v -> {
                assertThat(v.getValues()).hasSize(384);
                assertThat(dot(v.getValues(), v.getValues())).isCloseTo(1.0, within(1e-4));
            });
            List<Float> cat = result.getVectors().get(0).getValues();
            double catKitten = dot(cat, result.getVectors().get(1).getValues());
            double catStockMarket = dot(cat, result.getVectors().get(2).getValues());
            assertThat(catKitten).isGreaterThan(catStockMarket + 0.1);
            assertThat(result.getPromptTokens()).isEqualTo(4); // cat, kitten, stock, market
            assertThat(FleetHeaders.get(reply.headers(), FleetHeaders.PRODUCED_BY)).contains("embedding-worker");
            assertThat(FleetHeaders.get(reply.headers(), FleetHeaders.TENANT_ID)).contains(tenant);

            UsageRecorded used = (UsageRecorded) usage.awaitRecord(r -> r.key().equals(tenant), TIMEOUT).value();
            assertThat(used.getMeter()).isEqualTo(Meter.EMBEDDING_TOKENS);
            assertThat(used.getQuantity()).isEqualTo(4);
            assertThat(used.getModel()).isEqualTo(KnowledgeClient.EMBEDDING_MODEL);
        }
    }

    @Test
    void answersAnUnknownModelWithModelNotFoundAndRecordsNoUsage() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        EmbeddingRequested unknown = request(tenant, "text-embedding-3-large", "hello");
        EmbeddingRequested empty = request(tenant, KnowledgeClient.EMBEDDING_MODEL);

        try (var replies = TopicReader.decoded(FleetTopics.EMBEDDING_REPLIES.name(), FLEET_VALUES);
                var usage = TopicReader.decoded(FleetTopics.USAGE.name(), FLEET_VALUES)) {
            // when
            send(FleetTopics.EMBEDDING_REQUESTS.name(), unknown.getRequestId(), unknown);
            send(FleetTopics.EMBEDDING_REQUESTS.name(), empty.getRequestId(), empty);

            // then
            EmbeddingResult notFound = (EmbeddingResult) replies.awaitRecord(
                    r -> r.key().equals(unknown.getRequestId()), TIMEOUT).value();
            assertThat(notFound.getError().getType()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
            assertThat(notFound.getError().getCode()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
            assertThat(notFound.getVectors()).isEmpty();
            EmbeddingResult invalid = (EmbeddingResult) replies.awaitRecord(
                    r -> r.key().equals(empty.getRequestId()), TIMEOUT).value();
            assertThat(invalid.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(usage.drain(r -> r.key().equals(tenant))).isEmpty();
        }
    }

    @Test
    void publishesTheVectorOfAnUpsertedItemAndATombstoneWhenItIsDeleted() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        String key = tenant + "/docs/guides/cats.md";
        ItemEvent upserted = item(tenant, "guides/cats.md",
                new ItemUpserted("Cats are small domesticated felines.", Map.of("lang", "en")));
        ItemEvent deleted = item(tenant, "guides/cats.md", new ItemDeleted());

        try (var vectors = TopicReader.decoded(FleetTopics.ITEM_VECTORS.name(), FLEET_VALUES);
                var usage = TopicReader.decoded(FleetTopics.USAGE.name(), FLEET_VALUES)) {
            // when
            send(FleetTopics.ITEMS.name(), key, upserted);

            // then
            ConsumerRecord<String, SpecificRecord> upsert = vectors.awaitRecord(
                    r -> r.key().equals(key) && r.value() != null, TIMEOUT);
            ItemVector vector = (ItemVector) upsert.value();
            assertThat(vector.getTenantId()).isEqualTo(tenant);
            assertThat(vector.getCollection()).isEqualTo("docs");
            assertThat(vector.getItemId()).isEqualTo("guides/cats.md");
            assertThat(vector.getModel()).isEqualTo(KnowledgeClient.EMBEDDING_MODEL);
            assertThat(vector.getVector()).hasSize(384);
            assertThat(dot(vector.getVector(), vector.getVector())).isCloseTo(1.0, within(1e-4));
            assertThat(vector.getText()).isEqualTo("Cats are small domesticated felines.");
            assertThat(vector.getMetadata()).containsEntry("lang", "en");
            assertThat(upsert.partition()).as("its collection's partition, where the scorer looks (decision 0034)")
                    .isEqualTo(CollectionPartition.of(tenant, "docs", FleetTopics.ITEM_VECTORS.partitions()));
            UsageRecorded used = (UsageRecorded) usage.awaitRecord(r -> r.key().equals(tenant), TIMEOUT).value();
            assertThat(used.getMeter()).isEqualTo(Meter.EMBEDDING_TOKENS);
            assertThat(used.getQuantity()).isPositive();

            // when
            send(FleetTopics.ITEMS.name(), key, deleted);

            // then
            ConsumerRecord<String, SpecificRecord> tombstone = vectors.awaitRecord(
                    r -> r.key().equals(key) && r.value() == null, TIMEOUT);
            assertThat(tombstone.offset()).isGreaterThan(upsert.offset());
            assertThat(tombstone.partition()).isEqualTo(upsert.partition());
        }
    }

    @Test
    void deadLettersAnUndecodableRequestAndAnswersTheNextOne() throws Exception {
        // given
        String poisonKey = "poison-" + UUID.randomUUID();
        byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        EmbeddingRequested next = request(UUID.randomUUID().toString(), KnowledgeClient.EMBEDDING_MODEL, "after");

        try (var dlq = TopicReader.raw(FleetTopics.EMBEDDING_REQUESTS.dlq());
                var replies = TopicReader.decoded(FleetTopics.EMBEDDING_REPLIES.name(), FLEET_VALUES);
                var raw = new KafkaProducer<byte[], byte[]>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            // when
            raw.send(new ProducerRecord<>(FleetTopics.EMBEDDING_REQUESTS.name(),
                    poisonKey.getBytes(StandardCharsets.UTF_8), garbage)).get();
            send(FleetTopics.EMBEDDING_REQUESTS.name(), next.getRequestId(), next);

            // then
            ConsumerRecord<byte[], byte[]> dead = dlq.awaitRecord(
                    r -> Arrays.equals(r.key(), poisonKey.getBytes(StandardCharsets.UTF_8)), TIMEOUT);
            assertThat(dead.value()).isEqualTo(garbage);
            EmbeddingResult answered = (EmbeddingResult) replies.awaitRecord(
                    r -> r.key().equals(next.getRequestId()), TIMEOUT).value();
            assertThat(answered.getVectors()).hasSize(1);
        }
    }

    @Test
    void deadLettersAnItemItCannotEmbedAndProcessesTheNextOne() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        String blankKey = tenant + "/docs/blank";
        String goodKey = tenant + "/docs/good";

        try (var dlq = TopicReader.raw(FleetTopics.ITEMS.dlq());
                var vectors = TopicReader.decoded(FleetTopics.ITEM_VECTORS.name(), FLEET_VALUES)) {
            // when
            send(FleetTopics.ITEMS.name(), blankKey, item(tenant, "blank", new ItemUpserted("   ", Map.of())));
            send(FleetTopics.ITEMS.name(), goodKey, item(tenant, "good", new ItemUpserted("Dogs bark.", Map.of())));

            // then
            ConsumerRecord<byte[], byte[]> dead = dlq.awaitRecord(
                    r -> Arrays.equals(r.key(), blankKey.getBytes(StandardCharsets.UTF_8)), TIMEOUT);
            assertThat(new String(dead.headers().lastHeader("kafka_dlt-exception-message").value(),
                    StandardCharsets.UTF_8)).contains("blank text");
            assertThat(vectors.awaitRecord(r -> r.key().equals(goodKey), TIMEOUT).value()).isNotNull();
            assertThat(vectors.drain(r -> r.key().equals(blankKey))).isEmpty();
        }
    }

    @Test
    void answersEachRequestOfABatchOnTheReplyPartitionItNames() throws Exception {
        // given two requests naming reply partitions other than their keys'
        String tenant = UUID.randomUUID().toString();
        List<EmbeddingRequested> requests = List.of(request(tenant, KnowledgeClient.EMBEDDING_MODEL, "first"),
                request(tenant, KnowledgeClient.EMBEDDING_MODEL, "second"));
        requests.forEach(r -> r.setReplyPartition(
                notTheKeysPartition(r.getRequestId(), FleetTopics.EMBEDDING_REPLIES)));

        try (var replies = TopicReader.decoded(FleetTopics.EMBEDDING_REPLIES.name(), FLEET_VALUES)) {
            // when
            for (EmbeddingRequested request : requests) {
                send(FleetTopics.EMBEDDING_REQUESTS.name(), request.getRequestId(), request);
            }

            // then
            for (EmbeddingRequested request : requests) {
                ConsumerRecord<String, SpecificRecord> reply = replies.awaitRecord(
                        r -> r.key().equals(request.getRequestId()), TIMEOUT);
                assertThat(reply.partition()).isEqualTo(request.getReplyPartition());
                assertThat(((EmbeddingResult) reply.value()).getVectors()).hasSize(1);
            }
        }
    }

    @Test
    void reindexReEmbedsTheCollectionsLiveItemsWithTheCurrentModelVersionAndReportsProgressWhileStayingReady()
            throws Exception {
        // given a collection of three live items and a deleted one, embedded by the live path
        String tenant = UUID.randomUUID().toString();
        List<String> live = List.of("cats", "dogs", "birds");
        for (String id : live) {
            send(FleetTopics.ITEMS.name(), tenant + "/docs/" + id,
                    item(tenant, id, new ItemUpserted("All about " + id + ".", Map.of())));
        }
        send(FleetTopics.ITEMS.name(), tenant + "/docs/gone", item(tenant, "gone", new ItemUpserted("Gone.", Map.of())));
        send(FleetTopics.ITEMS.name(), tenant + "/docs/gone", item(tenant, "gone", new ItemDeleted()));
        // and another collection of the tenant, which the job leaves alone
        send(FleetTopics.ITEMS.name(), tenant + "/other/x", itemIn(tenant, "other", "x", "Elsewhere."));

        try (var vectors = TopicReader.decoded(FleetTopics.ITEM_VECTORS.name(), FLEET_VALUES);
                var jobs = TopicReader.decoded(FleetTopics.REINDEX_JOBS.name(), FLEET_VALUES)) {
            vectors.awaitRecord(r -> r.key().equals(tenant + "/other/x"), TIMEOUT);
            vectors.awaitRecord(r -> r.key().equals(tenant + "/docs/gone") && r.value() == null, TIMEOUT);
            // and the vectors the scorer holds come from an older model version (a model change)
            for (String id : live) {
                ItemVector current = (ItemVector) vectors.awaitRecord(
                        r -> r.key().equals(tenant + "/docs/" + id) && r.value() != null, TIMEOUT).value();
                current.setModelVersion("old-1");
                send(FleetTopics.ITEM_VECTORS.name(), tenant + "/docs/" + id, current);
            }

            // when a reindex of the collection is asked for
            String jobId = UUID.randomUUID().toString();
            ReindexJob requested = ReindexJob.newBuilder().setJobId(jobId).setTenantId(tenant).setCollection("docs")
                    .setState(ReindexState.REQUESTED).setRequestedAt(Instant.now()).setUpdatedAt(Instant.now())
                    .build();
            send(FleetTopics.REINDEX_JOBS.name(), jobId, requested);

            // then its progress reaches DONE with every live item, and readiness stays UP all along
            ReindexJob done = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
                web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                        .expectBody().jsonPath("$.status").isEqualTo("UP");
                List<ConsumerRecord<String, SpecificRecord>> updates = jobs.drain(r -> r.key().equals(jobId));
                return (ReindexJob) updates.get(updates.size() - 1).value();
            }, job -> job.getState() == ReindexState.DONE);
            assertThat(done.getItemsTotal()).isEqualTo(3);
            assertThat(done.getItemsDone()).isEqualTo(3);
            assertThat(done.getModel()).isEqualTo(KnowledgeClient.EMBEDDING_MODEL);
            assertThat(done.getModelVersion()).isEqualTo(MODEL_VERSION);
            assertThat(jobs.drain(r -> r.key().equals(jobId))).extracting(r -> ((ReindexJob) r.value()).getState())
                    .contains(ReindexState.RUNNING);
            // and the last vector of each live item is the current version's, the deleted item stays deleted
            for (String id : live) {
                ItemVector last = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
                    List<ConsumerRecord<String, SpecificRecord>> all = vectors.drain(
                            r -> r.key().equals(tenant + "/docs/" + id));
                    return (ItemVector) all.get(all.size() - 1).value();
                }, vector -> vector.getModelVersion().equals(MODEL_VERSION));
                assertThat(last.getText()).isEqualTo("All about " + id + ".");
                assertThat(last.getVector()).hasSize(384);
            }
            List<ConsumerRecord<String, SpecificRecord>> gone = vectors.drain(r -> r.key().equals(tenant + "/docs/gone"));
            assertThat(gone.get(gone.size() - 1).value()).isNull();
            assertThat(vectors.drain(r -> r.key().equals(tenant + "/other/x"))).hasSize(1);
        }
    }

    @Test
    void reportsReadyOnceTheModelIsLoaded() {
        web.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void getsItsManagementSettingsFromThePlatformDefaultsAlone() {
        // given an application.yml without a management block: the platform's fleet-defaults.yml decides

        // then the readiness group holds the shared members, and liveness and Prometheus are exposed
        HealthEndpointGroup readiness = healthGroups.get("readiness");
        assertThat(readiness).isNotNull();
        assertThat(List.of("readinessState", "kafka", "topicMirrors")).allMatch(readiness::isMember);
        assertThat(readiness.isMember("replyPartitions")).isFalse();
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
    }

    private static void send(String topic, String key, SpecificRecord value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static EmbeddingRequested request(String tenant, String model, String... inputs) {
        return EmbeddingRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(tenant)
                .setModel(model)
                .setInputs(List.of(inputs))
                .setReplyTo("test")
                .setRequestedAt(Instant.now())
                .build();
    }

    private static ItemEvent item(String tenant, String itemId, Object change) {
        return ItemEvent.newBuilder()
                .setTenantId(tenant)
                .setCollection("docs")
                .setItemId(itemId)
                .setChange(change)
                .setOccurredAt(Instant.now())
                .build();
    }

    private static ItemEvent itemIn(String tenant, String collection, String itemId, String text) {
        ItemEvent event = item(tenant, itemId, new ItemUpserted(text, Map.of()));
        event.setCollection(collection);
        return event;
    }

    /** A partition of {@code topic} that is not where the default partitioner would put {@code key}. */
    private static int notTheKeysPartition(String key, Topic<?> topic) {
        int keyed = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % topic.partitions();
        return (keyed + 1) % topic.partitions();
    }

    private static double dot(List<Float> a, List<Float> b) {
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }
}
