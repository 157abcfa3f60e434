package dev.fleet.gateway;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.schemas.ApiKeyHash;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.SharedKafka;

/**
 * The gateway's surroundings on the shared in-JVM broker, for the gateway's Kafka-backed tests:
 * publish tenants and keys as the orchestrator does, answer chat requests with chunks, and look
 * at what the gateway published (matching records, end offsets). One producer per test JVM.
 */
public final class GatewayKafkaFixture {

    public static final Duration KAFKA_WAIT = Duration.ofSeconds(20);
    public static final AvroSingleObjectSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    /** The prompt tokens every scripted reply reports. */
    public static final int PROMPT_TOKENS = 12;

    private static KafkaProducer<String, SpecificRecord> producer;

    private GatewayKafkaFixture() {
    }

    private static synchronized KafkaProducer<String, SpecificRecord> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(props, new StringSerializer(), SERDE.serializer());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> producer.close(Duration.ofSeconds(5))));
        }
        return producer;
    }

    /** Publishes an active tenant and a key of it, and waits until {@code client}'s gateway accepts the key. */
    public static String givenActiveKey(WebTestClient client, String tenantId) {
        String key = "fk-" + UUID.randomUUID();
        publishTenant(tenantId, TenantStatus.ACTIVE);
        publishKey(UUID.randomUUID().toString(), tenantId, key, ApiKeyStatus.ACTIVE);
        awaitStatus(client, key, 200);
        return key;
    }

    public static void awaitStatus(WebTestClient client, String key, int status) {
        await().atMost(KAFKA_WAIT).untilAsserted(() -> client.get().uri("/v1/models")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange().expectStatus().isEqualTo(status));
    }

    public static void publishTenant(String tenantId, TenantStatus status) {
        send(FleetTopics.TENANTS, tenantId, Tenant.newBuilder().setId(tenantId).setName("Test " + tenantId)
                .setPlan(Plan.PRO).setStatus(status).setRequestsPerMinute(600).setTokensPerDay(1_000_000)
                .setUpdatedAt(Instant.now()).build());
    }

    public static void publishKey(String keyId, String tenantId, String key, ApiKeyStatus status) {
        send(FleetTopics.API_KEYS, keyId, ApiKey.newBuilder().setId(keyId).setTenantId(tenantId)
                .setSha256(ApiKeyHash.sha256Hex(key)).setPrefix(key.substring(0, 7))
                .setScopes(List.of("chat", "embeddings", "items", "search")).setStatus(status)
                .setUpdatedAt(Instant.now()).build());
    }

    /** Answers {@code request} as the orchestrator would: one chunk per delta, then a final one with usage. */
    public static void reply(ChatRequested request, List<String> deltas) {
        for (int seq = 0; seq < deltas.size(); seq++) {
            send(FleetTopics.CHAT_REPLIES, request.getReplyPartition(), request.getRequestId(),
                    chunk(request, seq, deltas.get(seq), null));
        }
        ChatChunk last = chunk(request, deltas.size(), "", FinishReason.STOP);
        last.setUsage(new TokenUsage(PROMPT_TOKENS, deltas.size()));
        send(FleetTopics.CHAT_REPLIES, request.getReplyPartition(), request.getRequestId(), last);
    }

    public static ChatChunk chunk(ChatRequested request, int seq, String delta, FinishReason finishReason) {
        return ChatChunk.newBuilder().setRequestId(request.getRequestId()).setSeq(seq).setModel(request.getModel())
                .setDelta(delta).setFinishReason(finishReason).build();
    }

    public static <V extends SpecificRecord> void send(Topic<V> topic, String key, V value) {
        send(topic, null, key, value);
    }

    /** To {@code partition} when given (a reply: the request's replyPartition), else by key. */
    public static <V extends SpecificRecord> void send(Topic<V> topic, Integer partition, String key, V value) {
        try {
            producer().send(new ProducerRecord<>(topic.name(), partition, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic.name(), e);
        }
    }

    public static ConsumerRecord<String, SpecificRecord> awaitRecord(Topic<?> topic,
            Predicate<ConsumerRecord<String, SpecificRecord>> match) {
        return awaitRecords(topic, match, 1).get(0);
    }

    public static List<ConsumerRecord<String, SpecificRecord>> awaitRecords(Topic<?> topic,
            Predicate<ConsumerRecord<String, SpecificRecord>> match, int count) {
        try (KafkaConsumer<String, SpecificRecord> consumer = consumer(new StringDeserializer(),
                SERDE.deserializer())) {
            return pollUntil(consumer, topic.name(), match, count);
        }
    }

    public static ConsumerRecord<byte[], byte[]> awaitRawRecord(String topic,
            Predicate<ConsumerRecord<byte[], byte[]>> match) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            return pollUntil(consumer, topic, match, 1).get(0);
        }
    }

    private static <K, V> List<ConsumerRecord<K, V>> pollUntil(KafkaConsumer<K, V> consumer, String topic,
            Predicate<ConsumerRecord<K, V>> match, int count) {
        List<TopicPartition> partitions = partitions(consumer, topic);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        List<ConsumerRecord<K, V>> found = new ArrayList<>();
        await().atMost(KAFKA_WAIT).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (match.test(r)) {
                    found.add(r);
                }
            });
            return found.size() >= count;
        });
        return found;
    }

    /** The sum of each topic's partition end offsets, by topic name. */
    public static Map<String, Long> endOffsetSums(List<Topic<?>> topics) {
        return endOffsetSumsByName(topics.stream().map(Topic::name).toList());
    }

    /** {@link #endOffsetSums} for topics named directly (dead-letter topics); a missing topic counts 0. */
    public static Map<String, Long> endOffsetSumsByName(List<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Map<String, Long> sums = new LinkedHashMap<>();
            for (String topic : topics) {
                sums.put(topic, consumer.endOffsets(partitions(consumer, topic)).values().stream()
                        .mapToLong(Long::longValue).sum());
            }
            return sums;
        }
    }

    public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    public static <K, V> KafkaConsumer<K, V> consumer(Deserializer<K> keys, Deserializer<V> values) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, keys, values);
    }
}
