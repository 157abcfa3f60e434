package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.fleet.events.v1.ScoreResult;
import dev.fleet.schemas.Cleanup;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicProbe;

import reactor.core.publisher.Flux;

/**
 * Reply routing by partition against the real broker: replicas of one requesting service share a
 * reply topic's partitions through a consumer group, each reads only its own, and a rebalance or
 * a dead replica never leaves a request hanging or a replica crashing.
 */
class ReplyConsumersIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Topic<ScoreResult> REPLIES = FleetTopics.SCORE_REPLIES;
    /** A one-partition reply topic, to show what a replica beyond the partition count does. */
    private static final Topic<ScoreResult> ONE_PARTITION = new Topic<>("test.replies.one-partition.v1", "requestId",
            ScoreResult.class, 1, Cleanup.DELETE, null, Set.of(), Set.of(), "test");
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    private static KafkaProducer<String, SpecificRecord> producer;
    private static DeadLetters deadLetters;

    private final String group = "test-replies-" + UUID.randomUUID();
    private final List<ReplyConsumers> replicas = new ArrayList<>();

    @BeforeAll
    static void topicsAndProducer() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            for (Topic<?> topic : List.of(REPLIES, ONE_PARTITION)) {
                for (String name : List.of(topic.name(), topic.dlq())) {
                    try {
                        admin.createTopics(List.of(new NewTopic(name, topic.partitions(), (short) 1))).all().get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
            }
        }
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), SERDE.serializer());
        Serializer<Object> bytes = (topic, data) -> (byte[]) data;
        deadLetters = new DeadLetters(new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config, bytes, bytes)));
    }

    @AfterAll
    static void closeProducer() {
        producer.close(Duration.ofSeconds(5));
    }

    @AfterEach
    void stopReplicas() {
        replicas.forEach(ReplyConsumers::stop);
    }

    @Test
    void shouldShareThePartitionsAndLetEachReplicaReadOnlyItsOwnReplies() {
        // given two replicas of one service
        ReplyRouter<ScoreResult> a = replica(REPLIES);
        ReplyRouter<ScoreResult> b = replica(REPLIES);
        awaitSplit(a, b);

        // when each sends 20 requests and every reply goes to the request's reply partition
        List<ScoreResult> gotA = new CopyOnWriteArrayList<>();
        List<ScoreResult> gotB = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 20; i++) {
            request(a, REPLIES).subscribe(gotA::add);
            request(b, REPLIES).subscribe(gotB::add);
        }

        // then every request is answered, and each replica read about its own 20 replies, not all 40
        await().atMost(WAIT).until(() -> gotA.size() == 20 && gotB.size() == 20);
        assertThat(consumer(0).recordsConsumed()).isBetween(20.0, 25.0);
        assertThat(consumer(1).recordsConsumed()).isBetween(20.0, 25.0);
    }

    @Test
    void shouldFailOnlyTheRequestsWhosePartitionARebalanceMovedAndAnswerTheOthers() {
        // given one replica owning all six partitions, with one request waiting on each
        ReplyRouter<ScoreResult> a = replica(REPLIES);
        assertThat(a.partitions()).hasSize(REPLIES.partitions());
        Map<Integer, String> requestOn = new HashMap<>();
        Map<String, Flux<ScoreResult>> replies = new HashMap<>();
        for (int i = 0; i < REPLIES.partitions(); i++) {
            String id = UUID.randomUUID().toString();
            ReplyRouter.Registration<ScoreResult> registration = a.register(id);
            requestOn.put(registration.partition(), id);
            replies.put(id, registration.replies().cache());
            replies.get(id).subscribe(r -> { }, e -> { });
        }

        // when a second replica joins (scale-out) and takes some partitions
        ReplyRouter<ScoreResult> b = replica(REPLIES);
        awaitSplit(a, b);

        // then the requests on the moved partitions fail at once, retryably ...
        for (int moved : b.partitions()) {
            assertThatThrownBy(() -> replies.get(requestOn.get(moved)).blockLast(Duration.ofSeconds(5)))
                    .isInstanceOf(ReplyPartitionUnavailableException.class);
        }
        // ... and those on the partitions it kept still get their replies
        for (int kept : a.partitions()) {
            String id = requestOn.get(kept);
            send(REPLIES, kept, id);
            assertThat(replies.get(id).blockLast(WAIT)).extracting(ScoreResult::getRequestId).isEqualTo(id);
        }
        assertThat(a.pendingCount()).isZero();
    }

    @Test
    void shouldIgnoreTheRepliesOfAReplicaThatDiedMidStreamAndKeepServingItsOwn() {
        // given two replicas; A waits for a reply on one of its partitions
        ReplyRouter<ScoreResult> a = replica(REPLIES);
        ReplyRouter<ScoreResult> b = replica(REPLIES);
        awaitSplit(a, b);
        String orphan = UUID.randomUUID().toString();
        int partition = a.register(orphan).partition();

        // when A goes away, B takes its partitions, and the answer for A's request arrives after all
        replicas.get(0).stop();
        await().atMost(WAIT).until(() -> b.partitions().size() == REPLIES.partitions());
        send(REPLIES, partition, orphan);

        // then B ignores it and still answers its own request on that partition
        List<ScoreResult> mine = new CopyOnWriteArrayList<>();
        String own = null;
        for (int i = 0; i < REPLIES.partitions() && own == null; i++) {
            String id = UUID.randomUUID().toString();
            ReplyRouter.Registration<ScoreResult> registration = b.register(id);
            if (registration.partition() == partition) {
                own = id;
                registration.replies().subscribe(mine::add);
            } else {
                b.forget(id);
            }
        }
        send(REPLIES, partition, own);
        await().atMost(WAIT).until(() -> mine.size() == 1);
        assertThat(mine).extracting(ScoreResult::getRequestId).containsExactly(own);
        assertThat(replicas.get(1).all().get(0).isRunning()).isTrue();
    }

    @Test
    void shouldDeadLetterAPoisonReplyAndDeliverTheNextOnItsPartition() {
        // given a replica waiting for a reply on some partition
        ReplyRouter<ScoreResult> a = replica(REPLIES);
        String id = UUID.randomUUID().toString();
        ReplyRouter.Registration<ScoreResult> registration = a.register(id);
        List<ScoreResult> got = new CopyOnWriteArrayList<>();
        registration.replies().subscribe(got::add);
        String poisonKey = "poison-" + UUID.randomUUID();

        // when a record that is not Avro arrives first on that partition, then the reply
        sendRaw(REPLIES.name(), registration.partition(), poisonKey, "not avro".getBytes(StandardCharsets.UTF_8));
        send(REPLIES, registration.partition(), id);

        // then the poison is dead-lettered and the reply still delivered
        ConsumerRecord<byte[], byte[]> dead = TopicProbe.shared().awaitKey(REPLIES.dlq(), poisonKey, WAIT);
        assertThat(TopicProbe.header(dead, FleetHeaders.ERROR)).get().asString().contains(REPLIES.name());
        await().atMost(WAIT).until(() -> got.size() == 1);
    }

    @Test
    void shouldKeepAReplicaBeyondThePartitionCountNotReadyUntilAPartitionFreesUp() {
        // given a one-partition reply topic and two replicas
        ReplyRouter<ScoreResult> first = replica(ONE_PARTITION);
        ReplyRouter<ScoreResult> surplus = replica(ONE_PARTITION);

        // then the second owns nothing and refuses requests, and its readiness says why
        assertThat(first.partitions()).containsExactly(0);
        assertThat(surplus.isReady()).isFalse();
        assertThatThrownBy(() -> surplus.register("r")).isInstanceOf(ReplyPartitionUnavailableException.class);
        assertThat(health(0).getStatus()).isEqualTo(Status.UP);
        Health notReady = health(1);
        assertThat(notReady.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(notReady.getDetails().get(ONE_PARTITION.name())).asString()
                .contains("group=" + group + "." + ONE_PARTITION.name())
                .contains("partitions=[]")
                .contains("more replicas than the topic's 1 partitions");

        // when the first goes away, the surplus replica takes over
        replicas.get(0).stop();
        await().atMost(WAIT).until(surplus::isReady);
        assertThat(surplus.partitions()).containsExactly(0);
    }

    private ReplyRouter<ScoreResult> replica(Topic<ScoreResult> topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100); // members notice a rebalance sooner
        ReplyConsumers consumers = new ReplyConsumers(config, SERDE, deadLetters, group, Duration.ofSeconds(5));
        ReplyRouter<ScoreResult> router = consumers.router(topic, r -> true);
        consumers.start();
        replicas.add(consumers);
        return router;
    }

    private Health health(int replica) {
        return new ReplyPartitionsHealthIndicator(replicas.get(replica)).health();
    }

    private ReplyConsumer<?> consumer(int replica) {
        return replicas.get(replica).all().get(0);
    }

    /** Waits until both own partitions and together all of them, disjoint. */
    private static void awaitSplit(ReplyRouter<?> a, ReplyRouter<?> b) {
        await().atMost(WAIT).until(() -> {
            Set<Integer> union = new HashSet<>(a.partitions());
            union.addAll(b.partitions());
            return a.isReady() && b.isReady() && union.size() == REPLIES.partitions()
                    && a.partitions().size() + b.partitions().size() == REPLIES.partitions();
        });
    }

    /** Registers a request and answers it on its reply partition, as a worker would. */
    private static Flux<ScoreResult> request(ReplyRouter<ScoreResult> router, Topic<ScoreResult> topic) {
        String id = UUID.randomUUID().toString();
        ReplyRouter.Registration<ScoreResult> registration = router.register(id);
        send(topic, registration.partition(), id);
        return registration.replies();
    }

    private static void sendRaw(String topic, int partition, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topic, partition, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(Topic<ScoreResult> topic, int partition, String requestId) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), partition, requestId,
                    ScoreResult.newBuilder().setRequestId(requestId).setItems(List.of()).build()))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
