package dev.fleet.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ItemVector;
import dev.fleet.events.v1.RecommendExamples;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.ItemKey;
import dev.fleet.scorer.domain.CollectionSearch;
import dev.fleet.scorer.domain.ShardStates;
import dev.fleet.scorer.domain.VectorIndex;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicReader;

/**
 * Two scorer replicas (two application contexts, one consumer group of their own) against the shared
 * broker, and an in-process index holding everything as the oracle: the replicas split 10,000 items of
 * 200 collections by partition, answer every search exactly as the oracle does, and when one leaves, the
 * other rebuilds only the partitions that moved, answering searches of those in full or with a retryable
 * error, never partially (decision 0034).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScorerShardingIntegrationTest {

    private static final Deserializer<SpecificRecord> FLEET_VALUES =
            new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()).deserializer();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int ITEMS = 10_000;
    private static final int COLLECTIONS = 200;
    private static final int DIMENSION = 16;
    private static final int PARTITIONS = FleetTopics.ITEM_VECTORS.partitions();
    private static final String TENANT = "shards-" + UUID.randomUUID();
    private static final String[] TEAMS = {"billing", "sales", "support"};

    private static final VectorIndex oracle = new VectorIndex();
    private static final CollectionSearch oracleSearch = new CollectionSearch(oracle, 100);
    private static final Random random = new Random(8);

    private static KafkaProducer<String, SpecificRecord> producer;
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void startAReplicaPublishTheItemsAndStartASecondReplica() {
        String group = "scorer-shards-" + UUID.randomUUID();
        first = replica(group); // provisions the topics
        // its partitions read to their (empty) ends: the new topics have leaders before the producer writes (a
        // producer racing the broker's first metadata of a just-created topic saw NOT_LEADER_OR_FOLLOWER, then
        // OUT_OF_ORDER_SEQUENCE_NUMBER, and lost records under load)
        await().atMost(TIMEOUT).until(() -> states(first).allReady());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000), new StringSerializer(),
                new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()).serializer());
        for (int i = 0; i < ITEMS; i++) {
            String collection = "c" + (i % COLLECTIONS);
            String itemId = "item-" + i;
            List<Float> vector = new ArrayList<>(DIMENSION);
            float[] floats = new float[DIMENSION];
            for (int d = 0; d < DIMENSION; d++) {
                floats[d] = (float) random.nextGaussian();
                vector.add(floats[d]);
            }
            Map<String, String> metadata = Map.of("team", TEAMS[i % TEAMS.length]);
            ItemVector item = ItemVector.newBuilder().setTenantId(TENANT).setCollection(collection)
                    .setItemId(itemId).setModel("test-16d").setVector(vector).setText("text " + i)
                    .setMetadata(metadata).build();
            producer.send(new ProducerRecord<>(FleetTopics.ITEM_VECTORS.name(), home(collection),
                    TENANT + "/" + collection + "/" + itemId, item));
            oracle.upsert(new ItemKey(TENANT, collection, itemId), floats, "text " + i, metadata);
        }
        producer.flush();
        second = replica(group);
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Test
    @Order(1)
    void eachOfTwoReplicasHoldsAboutHalfAndEverySearchAnswersWhatOneReplicaHoldingEverythingAnswers()
            throws Exception {
        // given both replicas have their partitions and rebuilt them
        await().atMost(TIMEOUT).until(() -> states(first).allReady() && states(second).allReady()
                && held(first).size() + held(second).size() == PARTITIONS);
        await().atMost(TIMEOUT).until(() -> index(first).size() + index(second).size() == ITEMS);

        // then the partitions are split, and so are the items
        Set<Integer> both = new HashSet<>(held(first));
        both.retainAll(held(second));
        assertThat(both).isEmpty();
        assertThat(held(first)).isNotEmpty();
        assertThat(held(second)).isNotEmpty();
        assertThat(index(first).size()).isBetween((int) (ITEMS * 0.35), (int) (ITEMS * 0.65));
        assertThat(index(second).size()).isBetween((int) (ITEMS * 0.35), (int) (ITEMS * 0.65));

        // when searches and recommendations go to every collection's partition
        List<ScoreRequested> requests = requests(40);
        Map<String, ScoreResult> answers = ask(requests);

        // then each answer is exactly (ids, scores, texts, metadata) what the one-index oracle answers
        for (ScoreRequested request : requests) {
            ScoreResult answer = answers.get(request.getRequestId());
            assertThat(answer.getError()).as("error of %s", request).isNull();
            assertThat(answer.getItems()).as("hits of %s", request).isNotEmpty()
                    .isEqualTo(oracleSearch.answer(request).getItems());
        }
    }

    @Test
    @Order(2)
    void whenAReplicaLeavesTheOtherRebuildsOnlyTheMovedPartitionsAndNeverAnswersPartially() throws Exception {
        // given
        Set<Integer> kept = Set.copyOf(held(first));
        Set<Integer> moved = Set.copyOf(held(second));
        Map<Integer, Integer> rebuildsBefore = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            rebuildsBefore.put(p, states(first).rebuilds(p));
        }
        List<ScoreRequested> duringRebuild = requests(30).stream()
                .filter(r -> moved.contains(home(r.getCollection()))).toList();
        assertThat(duringRebuild).isNotEmpty();

        // when the second replica stops and searches of its partitions arrive at once
        second.close();
        second = null;
        Map<String, ScoreResult> answers = ask(duringRebuild);

        // then every answer is complete or a retryable error, never a part of the hits
        for (ScoreRequested request : duringRebuild) {
            ScoreResult answer = answers.get(request.getRequestId());
            if (answer.getError() != null) {
                assertThat(answer.getError().getCode()).isEqualTo(ErrorCode.TIMEOUT);
                assertThat(answer.getItems()).isEmpty();
            } else {
                assertThat(answer.getItems()).isEqualTo(oracleSearch.answer(request).getItems());
            }
        }
        // and the first replica holds everything, having read only the moved partitions again
        await().atMost(TIMEOUT).until(() -> held(first).size() == PARTITIONS && states(first).allReady());
        assertThat(index(first).size()).isEqualTo(ITEMS);
        for (int p : kept) {
            assertThat(states(first).rebuilds(p)).as("rebuilds of kept partition %d", p)
                    .isEqualTo(rebuildsBefore.get(p));
        }
        for (int p : moved) {
            assertThat(states(first).rebuilds(p)).as("rebuilds of moved partition %d", p)
                    .isEqualTo(rebuildsBefore.get(p) + 1);
        }
        Map<String, ScoreResult> after = ask(duringRebuild);
        for (ScoreRequested request : duringRebuild) {
            assertThat(after.get(request.getRequestId()).getItems())
                    .isEqualTo(oracleSearch.answer(request).getItems());
        }
    }

    private static ConfigurableApplicationContext replica(String group) {
        // arguments, not default properties: they must win over application.yml
        return new SpringApplicationBuilder(ScorerApplication.class).run(
                "--spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers(),
                "--fleet.admin.token=" + FleetTestEnvironment.ADMIN_TOKEN,
                "--spring.kafka.consumer.group-id=" + group,
                "--server.port=0");
    }

    /** New searches (every third filtered by team) and recommendations, each with fresh request ids. */
    private static List<ScoreRequested> requests(int count) {
        Random queries = new Random(42);
        List<ScoreRequested> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int c = queries.nextInt(COLLECTIONS);
            ScoreRequested.Builder request = ScoreRequested.newBuilder()
                    .setRequestId(UUID.randomUUID().toString()).setTenantId(TENANT).setCollection("c" + c)
                    .setTopK(10).setReplyTo("test").setRequestedAt(Instant.now());
            if (i % 5 == 4) {
                request.setQueryVector(List.of()).setRecommend(new RecommendExamples(
                        List.of("item-" + c, "item-" + (c + COLLECTIONS)), List.of("item-" + (c + 2 * COLLECTIONS))));
            } else {
                List<Float> query = new ArrayList<>();
                for (int d = 0; d < DIMENSION; d++) {
                    query.add((float) queries.nextGaussian());
                }
                request.setQueryVector(query);
            }
            if (i % 3 == 0) {
                request.setFilter(Map.of("team", List.of(TEAMS[i % TEAMS.length])));
            }
            requests.add(request.build());
        }
        return requests;
    }

    /** Sends each request to its collection's partition (as the platform's KnowledgeClient does); the replies. */
    private static Map<String, ScoreResult> ask(List<ScoreRequested> requests) throws Exception {
        try (var replies = TopicReader.decoded(FleetTopics.SCORE_REPLIES.name(), FLEET_VALUES)) {
            for (ScoreRequested request : requests) {
                producer.send(new ProducerRecord<>(FleetTopics.SCORE_REQUESTS.name(), home(request.getCollection()),
                        request.getRequestId(), request)).get();
            }
            Map<String, ScoreResult> answers = new HashMap<>();
            for (ScoreRequested request : requests) {
                answers.put(request.getRequestId(), (ScoreResult) replies.awaitRecord(
                        r -> r.key().equals(request.getRequestId()), TIMEOUT).value());
            }
            return answers;
        }
    }

    private static int home(String collection) {
        return CollectionPartition.of(TENANT, collection, PARTITIONS);
    }

    private static ShardStates states(ConfigurableApplicationContext replica) {
        return replica.getBean(ShardStates.class);
    }

    private static Set<Integer> held(ConfigurableApplicationContext replica) {
        return states(replica).snapshot().keySet();
    }

    private static VectorIndex index(ConfigurableApplicationContext replica) {
        return replica.getBean(VectorIndex.class);
    }
}
