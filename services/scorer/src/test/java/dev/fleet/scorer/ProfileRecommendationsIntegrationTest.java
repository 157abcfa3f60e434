package dev.fleet.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.events.v1.Interaction;
import dev.fleet.events.v1.InteractionKind;
import dev.fleet.events.v1.ItemVector;
import dev.fleet.events.v1.RecommendExamples;
import dev.fleet.events.v1.RecommendationRule;
import dev.fleet.events.v1.RecommendationRules;
import dev.fleet.events.v1.RecommendationServed;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.events.v1.ServedItem;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.scorer.domain.CollectionRules;
import dev.fleet.scorer.domain.Cosine;
import dev.fleet.scorer.domain.VectorIndex;
import dev.fleet.scorer.domain.profile.UserProfiles;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicReader;

/**
 * Recommendations for a user over the real broker (decision 0039): interactions published as a product app
 * would (key {@code tenantId/collection}, Kafka's default partitioner) build the user's profile on the replica
 * holding the collection; a recommendation by user ranks by the decayed weighted mean of the items' vectors
 * (recomputed here by brute force), leaves out seen items when asked, and is published as a
 * {@code RecommendationServed}. A collection's recommendation rules published on
 * {@code fleet.recommendation.rules.v1} (decision 0049) are applied within 2 s: buried and boosted items move,
 * a pinned item comes first, and what was served names the rules' version.
 */
@SpringBootTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // leaves the broker to the sharding test's replicas
class ProfileRecommendationsIntegrationTest {

    private static final Deserializer<SpecificRecord> FLEET_VALUES =
            new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()).deserializer();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HALF_LIFE = Duration.ofDays(7);

    private static final KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
            new StringSerializer(), new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()).serializer());
    private static final KafkaProducer<byte[], byte[]> rawProducer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer());

    private static final Map<String, float[]> CATALOG = new LinkedHashMap<>();

    static {
        CATALOG.put("red-shoe", new float[] {1, 0, 0, 0});
        CATALOG.put("red-boot", new float[] {0.9f, 0.2f, 0, 0});
        CATALOG.put("red-hat", new float[] {0.7f, 0, 0.3f, 0});
        CATALOG.put("blue-shoe", new float[] {0.1f, 1, 0, 0});
        CATALOG.put("blue-boot", new float[] {0, 0.9f, 0, 0.3f});
        CATALOG.put("green-bag", new float[] {0, 0, 1, 0.2f});
        CATALOG.put("black-belt", new float[] {0, 0, 0, 1});
    }

    @Autowired
    private VectorIndex index;

    @Autowired
    private UserProfiles profiles;

    @Autowired
    private CollectionRules rules;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @AfterAll
    static void closeProducers() {
        producer.close(Duration.ofSeconds(5));
        rawProducer.close(Duration.ofSeconds(5));
    }

    @Test
    void recommendsForAUserFromTheirInteractionsLeavesOutSeenItemsAndPublishesWhatWasServed() throws Exception {
        // given: a catalog and anna's interactions (a purchase yesterday, a click two weeks ago, a view of an
        // item the collection does not hold), one of them delivered twice with the same event id
        String tenant = UUID.randomUUID().toString();
        publishCatalog(tenant, "shop");
        Instant now = Instant.now();
        Interaction purchase = interaction(tenant, "shop", "anna", "red-shoe", InteractionKind.PURCHASE, null,
                now.minus(Duration.ofDays(1)));
        Interaction click = interaction(tenant, "shop", "anna", "blue-boot", InteractionKind.CLICK, 1.5,
                now.minus(Duration.ofDays(14)));
        Interaction ghost = interaction(tenant, "shop", "anna", "not-in-catalog", InteractionKind.VIEW, null, now);
        String clickEventId = UUID.randomUUID().toString();
        publish(purchase, UUID.randomUUID().toString());
        publish(click, clickEventId);
        publish(click, clickEventId);
        publish(ghost, UUID.randomUUID().toString());
        UserProfiles.UserKey anna = new UserProfiles.UserKey(tenant, "shop", "anna");
        await().atMost(TIMEOUT).until(() -> profiles.find(anna).map(p -> p.interactions().size()).orElse(0) == 3);

        // when
        ScoreRequested all = forUser(tenant, "shop", "anna", 5, false);
        ScoreRequested unseen = forUser(tenant, "shop", "anna", 5, true);
        ScoreResult allHits;
        ScoreResult unseenHits;
        RecommendationServed served;
        try (var servedReader = TopicReader.decoded(FleetTopics.RECOMMENDATIONS_SERVED.name(), FLEET_VALUES)) {
            allHits = ask(all);
            unseenHits = ask(unseen);
            ConsumerRecord<String, SpecificRecord> record = servedReader.awaitRecord(
                    r -> r.value() instanceof RecommendationServed s && s.getRequestId().equals(unseen.getRequestId()),
                    TIMEOUT);
            served = (RecommendationServed) record.value();
            assertThat(record.key()).isEqualTo(tenant + "/shop");
            assertThat(record.partition()).isEqualTo(home(tenant, "shop"));
            assertThat(record.headers().lastHeader(FleetHeaders.EVENT_ID)).isNotNull();
        }

        // then: the ranking by cosine to (5·d(1 day)·red-shoe + 1.5·d(14 days)·blue-boot) / sum, computed here
        float[] profile = profile(Map.of("red-shoe", 5 * decay(Duration.ofDays(1)),
                "blue-boot", 1.5 * decay(Duration.ofDays(14))));
        List<String> expected = ranked(profile);
        assertThat(allHits.getError()).isNull();
        assertThat(allHits.getItems()).extracting(ScoredItem::getItemId).containsExactlyElementsOf(expected.subList(0, 5));
        for (ScoredItem hit : allHits.getItems()) {
            assertThat(hit.getScore()).as(hit.getItemId())
                    .isCloseTo(Cosine.similarity(profile, CATALOG.get(hit.getItemId())), within(1e-4));
        }
        List<String> expectedUnseen = expected.stream().filter(id -> !id.equals("red-shoe") && !id.equals("blue-boot"))
                .limit(5).toList();
        assertThat(unseenHits.getItems()).extracting(ScoredItem::getItemId).containsExactlyElementsOf(expectedUnseen);
        // and what was served is on fleet.recommendations.served.v1, in order, with its scores
        assertThat(served.getTenantId()).isEqualTo(tenant);
        assertThat(served.getCollection()).isEqualTo("shop");
        assertThat(served.getUser()).isEqualTo("anna");
        assertThat(served.getRuleVersion()).isZero();
        assertThat(served.getItems()).extracting(ServedItem::getItemId).containsExactlyElementsOf(expectedUnseen);
        assertThat(served.getItems()).extracting(ServedItem::getScore).containsExactlyElementsOf(
                unseenHits.getItems().stream().map(ScoredItem::getScore).toList());
    }

    @Test
    void anUnknownUserGetsNoItemsAndThatIsServedToo() throws Exception {
        String tenant = UUID.randomUUID().toString();
        publishCatalog(tenant, "shop");
        ScoreRequested request = forUser(tenant, "shop", "nobody", 3, true);

        try (var servedReader = TopicReader.decoded(FleetTopics.RECOMMENDATIONS_SERVED.name(), FLEET_VALUES)) {
            ScoreResult result = ask(request);

            assertThat(result.getError()).isNull();
            assertThat(result.getItems()).isEmpty();
            RecommendationServed served = (RecommendationServed) servedReader.awaitRecord(
                    r -> r.value() instanceof RecommendationServed s
                            && s.getRequestId().equals(request.getRequestId()), TIMEOUT).value();
            assertThat(served.getUser()).isEqualTo("nobody");
            assertThat(served.getItems()).isEmpty();
        }
    }

    @Test
    void aRecommendationByExampleIsServedWithoutAUserAndASearchIsNot() throws Exception {
        String tenant = UUID.randomUUID().toString();
        publishCatalog(tenant, "shop");
        ScoreRequested byExample = ScoreRequested.newBuilder(forUser(tenant, "shop", "x", 2, false)).setUser(null)
                .setRecommend(new RecommendExamples(List.of("red-shoe"), List.of())).build();
        ScoreRequested search = ScoreRequested.newBuilder(forUser(tenant, "shop", "x", 2, false)).setUser(null)
                .setQueryVector(List.of(1f, 0f, 0f, 0f)).build();

        try (var servedReader = TopicReader.decoded(FleetTopics.RECOMMENDATIONS_SERVED.name(), FLEET_VALUES)) {
            ScoreResult searched = ask(search);
            ScoreResult recommended = ask(byExample);

            RecommendationServed served = (RecommendationServed) servedReader.awaitRecord(
                    r -> r.value() instanceof RecommendationServed s
                            && s.getRequestId().equals(byExample.getRequestId()), TIMEOUT).value();
            assertThat(served.getUser()).isNull();
            assertThat(served.getItems()).extracting(ServedItem::getItemId).containsExactlyElementsOf(
                    recommended.getItems().stream().map(ScoredItem::getItemId).toList());
            assertThat(searched.getItems()).isNotEmpty();
            assertThat(servedReader.drain(r -> r.value() instanceof RecommendationServed s
                    && s.getRequestId().equals(search.getRequestId()))).isEmpty();
        }
    }

    @Test
    void appliesPublishedRulesWithin2sAndNamesTheirVersionInWhatWasServed() throws Exception {
        // given: a recommendation like red-shoe, ranked by plain similarity
        String tenant = UUID.randomUUID().toString();
        publishCatalog(tenant, "shop");
        ScoreRequested before = likeRedShoe(tenant, 3);
        ScoreRequested after = likeRedShoe(tenant, 3);
        try (var servedReader = TopicReader.decoded(FleetTopics.RECOMMENDATIONS_SERVED.name(), FLEET_VALUES)) {
            assertThat(ask(before).getItems()).extracting(ScoredItem::getItemId)
                    .containsExactly("red-boot", "red-hat", "blue-shoe");

            // when version 7 of the collection's rules is on the topic: bury red, boost blue, pin green-bag
            RecommendationRules version7 = new RecommendationRules(tenant, "shop", 7, List.of(
                    new RecommendationRule(Map.of("color", List.of("red")), 0.1),
                    new RecommendationRule(Map.of("color", List.of("blue", "teal")), 5.0)),
                    List.of("green-bag", "not-in-catalog"), Instant.now());
            producer.send(new ProducerRecord<>(FleetTopics.RECOMMENDATION_RULES.name(), tenant + "/shop", version7))
                    .get();

            // then the replica applies it within 2 s of it being on the topic
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> rules.of(tenant, "shop").version() == 7);
            ScoreResult ruled = ask(after);
            // green-bag pinned first; blue-shoe 0.0995 × 5; red-boot 0.976 × 0.1 beats red-hat 0.919 × 0.1
            assertThat(ruled.getItems()).extracting(ScoredItem::getItemId)
                    .containsExactly("green-bag", "blue-shoe", "red-boot");
            assertThat(ruled.getItems().get(1).getScore()).isCloseTo(5 * Cosine.similarity(CATALOG.get("red-shoe"),
                    CATALOG.get("blue-shoe")), within(1e-4));
            RecommendationServed servedBefore = (RecommendationServed) servedReader.awaitRecord(
                    r -> r.value() instanceof RecommendationServed s
                            && s.getRequestId().equals(before.getRequestId()), TIMEOUT).value();
            RecommendationServed servedAfter = (RecommendationServed) servedReader.awaitRecord(
                    r -> r.value() instanceof RecommendationServed s
                            && s.getRequestId().equals(after.getRequestId()), TIMEOUT).value();
            assertThat(servedBefore.getRuleVersion()).isZero();
            assertThat(servedAfter.getRuleVersion()).isEqualTo(7);
            assertThat(servedAfter.getItems()).extracting(ServedItem::getItemId)
                    .containsExactly("green-bag", "blue-shoe", "red-boot");
        }

        // and a tombstone removes the rules, as fast
        producer.send(new ProducerRecord<>(FleetTopics.RECOMMENDATION_RULES.name(), tenant + "/shop", null)).get();
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> rules.of(tenant, "shop").version() == 0);
        assertThat(ask(likeRedShoe(tenant, 3)).getItems()).extracting(ScoredItem::getItemId)
                .containsExactly("red-boot", "red-hat", "blue-shoe");
    }

    private static ScoreRequested likeRedShoe(String tenant, int topK) {
        return ScoreRequested.newBuilder(forUser(tenant, "shop", "x", topK, false)).setUser(null)
                .setRecommend(new RecommendExamples(List.of("red-shoe"), List.of())).build();
    }

    @Test
    void deadLettersAPoisonInteractionAndAppliesTheNextOne() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        String key = tenant + "/shop";
        UserProfiles.UserKey ben = new UserProfiles.UserKey(tenant, "shop", "ben");

        try (var dlq = TopicReader.raw(FleetTopics.INTERACTIONS.dlq())) {
            // when: undecodable bytes, then a good interaction encoded as docs/recommendations.md shows (the
            // generated class's single-object encoding, default partitioner), on the same partition
            rawProducer.send(new ProducerRecord<>(FleetTopics.INTERACTIONS.name(), home(tenant, "shop"),
                    key.getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3})).get();
            java.nio.ByteBuffer encoded = interaction(tenant, "shop", "ben", "red-shoe", InteractionKind.VIEW, null,
                    Instant.now()).toByteBuffer();
            byte[] value = new byte[encoded.remaining()];
            encoded.get(value);
            rawProducer.send(new ProducerRecord<>(FleetTopics.INTERACTIONS.name(),
                    key.getBytes(StandardCharsets.UTF_8), value)).get();

            // then
            dlq.awaitRecord(r -> Arrays.equals(r.key(), key.getBytes(StandardCharsets.UTF_8)), TIMEOUT);
            await().atMost(TIMEOUT).until(() -> profiles.find(ben).isPresent());
        }
    }

    private void publishCatalog(String tenant, String collection) throws Exception {
        for (Map.Entry<String, float[]> item : CATALOG.entrySet()) {
            List<Float> values = new ArrayList<>();
            for (float v : item.getValue()) {
                values.add(v);
            }
            ItemVector vector = ItemVector.newBuilder().setTenantId(tenant).setCollection(collection)
                    .setItemId(item.getKey()).setModel("test-4d").setVector(values).setText(item.getKey())
                    .setMetadata(Map.of("color", item.getKey().substring(0, item.getKey().indexOf('-')))).build();
            producer.send(new ProducerRecord<>(FleetTopics.ITEM_VECTORS.name(), home(tenant, collection),
                    tenant + "/" + collection + "/" + item.getKey(), vector)).get();
        }
        await().atMost(TIMEOUT).until(() -> index.size(tenant, collection) == CATALOG.size());
    }

    /** As a product app publishes it: key tenantId/collection, no partition (Kafka's default partitioner). */
    private static void publish(Interaction interaction, String eventId) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add(FleetHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(FleetTopics.INTERACTIONS.name(), null,
                interaction.getTenantId() + "/" + interaction.getCollection(), interaction, headers)).get();
    }

    private static Interaction interaction(String tenant, String collection, String user, String item,
            InteractionKind kind, Double weight, Instant at) {
        return Interaction.newBuilder().setTenantId(tenant).setCollection(collection).setUser(user).setItemId(item)
                .setKind(kind).setWeight(weight).setOccurredAt(at).build();
    }

    private static ScoreRequested forUser(String tenant, String collection, String user, int topK,
            boolean excludeSeen) {
        return ScoreRequested.newBuilder().setRequestId(UUID.randomUUID().toString()).setTenantId(tenant)
                .setCollection(collection).setQueryVector(List.of()).setTopK(topK).setUser(user)
                .setExcludeSeen(excludeSeen).setReplyTo("test").setRequestedAt(Instant.now()).build();
    }

    private static ScoreResult ask(ScoreRequested request) throws Exception {
        try (var replies = TopicReader.decoded(FleetTopics.SCORE_REPLIES.name(), FLEET_VALUES)) {
            producer.send(new ProducerRecord<>(FleetTopics.SCORE_REQUESTS.name(),
                    home(request.getTenantId(), request.getCollection()), request.getRequestId(), request)).get();
            return (ScoreResult) replies.awaitRecord(r -> r.key().equals(request.getRequestId()), TIMEOUT).value();
        }
    }

    private static double decay(Duration age) {
        return Math.pow(0.5, (double) age.toMillis() / HALF_LIFE.toMillis());
    }

    /** The weighted mean of the catalog's unit vectors. */
    private static float[] profile(Map<String, Double> weights) {
        double[] sum = new double[4];
        double total = 0;
        for (Map.Entry<String, Double> w : weights.entrySet()) {
            float[] unit = Cosine.unit(CATALOG.get(w.getKey()));
            for (int i = 0; i < sum.length; i++) {
                sum[i] += w.getValue() * unit[i];
            }
            total += w.getValue();
        }
        float[] mean = new float[sum.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) (sum[i] / total);
        }
        return mean;
    }

    private static List<String> ranked(float[] profile) {
        return CATALOG.keySet().stream()
                .sorted(Comparator.comparingDouble((String id) -> -Cosine.similarity(profile, CATALOG.get(id)))
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    private static int home(String tenant, String collection) {
        return CollectionPartition.of(tenant, collection, FleetTopics.ITEM_VECTORS.partitions());
    }
}
