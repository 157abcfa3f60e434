package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;

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
import dev.fleet.platform.kafka.ReplyConsumer;
import dev.fleet.platform.kafka.ReplyConsumers;
import dev.fleet.platform.kafka.ReplyPartitionsHealthIndicator;
import dev.fleet.schemas.ApiKeyHash;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;

import reactor.core.publisher.Flux;

/**
 * Three gateway replicas (three application contexts in this JVM, one reply consumer group) and a
 * stand-in orchestrator that answers every chat request on the reply partition it names: chats
 * spread over the replicas all complete, and each replica reads only its share of the replies
 * (its {@code fleet.replies.records.consumed}, Kafka's {@code records-consumed-total} of its reply consumer).
 */
class ReplyRoutingAcrossReplicasTest {

    private static final int REPLICAS = 3;
    private static final int CHATS = 300;
    private static final List<String> DELTAS = List.of("Routed", " by", " partition.");
    private static final int RECORDS_PER_CHAT = DELTAS.size() + 1;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AvroSingleObjectSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    private static final List<ConfigurableApplicationContext> gateways = new ArrayList<>();
    private static KafkaProducer<String, SpecificRecord> producer;
    private static FakeOrchestrator orchestrator;

    @BeforeAll
    static void startReplicasAndOrchestrator() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), SERDE.serializer());
        String replyGroup = "gateway-replies-" + UUID.randomUUID(); // not shared with other gateway tests
        for (int i = 0; i < REPLICAS; i++) {
            // arguments, not default properties: they must override application.yml
            gateways.add(new SpringApplicationBuilder(GatewayApplication.class).run(
                    "--server.port=0",
                    "--spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers(),
                    "--fleet.admin.token=" + FleetTestEnvironment.ADMIN_TOKEN,
                    "--fleet.kafka.instance-id=gateway-" + i,
                    "--fleet.kafka.reply-group=" + replyGroup,
                    "--spring.kafka.consumer.properties.heartbeat.interval.ms=100")); // joins rebalance sooner
        }
        orchestrator = new FakeOrchestrator();
        orchestrator.start();
    }

    @AfterAll
    static void stopAll() {
        if (orchestrator != null) {
            orchestrator.stop();
        }
        gateways.forEach(ConfigurableApplicationContext::close);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldCompleteChatsSpreadOverThreeReplicasWithEachReadingOnlyItsShareOfTheReplies() {
        // given three ready replicas, each owning two of the six reply partitions, and a valid key
        await().atMost(WAIT).until(() -> gateways.stream()
                .allMatch(g -> chatReplies(g).router().partitions().size() == 2));
        gateways.forEach(g -> assertThat(g.getBean(ReplyPartitionsHealthIndicator.class).health().getStatus())
                .isEqualTo(Status.UP));
        // and ready as a whole: key mirrors caught up, rate-limit budget owners assigned
        gateways.forEach(g -> await().atMost(WAIT).until(() -> WebClient.create("http://127.0.0.1:"
                        + g.getEnvironment().getProperty("local.server.port")).get().uri("/actuator/health/readiness")
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block() == 200));
        String key = givenActiveKey();
        List<WebClient> clients = gateways.stream().map(g -> WebClient.builder()
                .baseUrl("http://127.0.0.1:" + g.getEnvironment().getProperty("local.server.port"))
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key).build()).toList();
        clients.forEach(c -> await().atMost(WAIT).until(() -> c.get().uri("/v1/models").exchangeToMono(
                r -> r.releaseBody().thenReturn(r.statusCode().value())).block() == 200));
        double[] before = gateways.stream().mapToDouble(ReplyRoutingAcrossReplicasTest::chatRepliesRead).toArray();

        // when 300 chats are spread round robin over the three replicas, 24 at a time
        List<String> answers = Flux.range(0, CHATS)
                .flatMap(i -> clients.get(i % REPLICAS).post().uri("/v1/chat/completions")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("model", "extractive",
                                "messages", List.of(Map.of("role", "user", "content", "chat " + i))))
                        .retrieve().bodyToMono(JsonNode.class)
                        .map(body -> body.at("/choices/0/message/content").asText()), 24)
                .collectList().block(WAIT);

        // then every chat completed with the whole answer ...
        assertThat(answers).hasSize(CHATS).allMatch(String.join("", DELTAS)::equals);
        // ... and each replica read about a third of the reply records, not all of them
        int share = CHATS / REPLICAS * RECORDS_PER_CHAT;
        for (int i = 0; i < REPLICAS; i++) {
            double read = chatRepliesRead(gateways.get(i)) - before[i];
            System.out.printf("gateway-%d read %.0f of %d chat reply records (its share: %d)%n", i, read,
                    CHATS * RECORDS_PER_CHAT, share);
            assertThat(read).as("reply records read by gateway-%d", i).isBetween((double) share, share * 1.1);
        }
        assertThat(orchestrator.answered).isGreaterThanOrEqualTo(CHATS);
    }

    /** The replica's {@code fleet.replies.records.consumed} for the chat replies, as Prometheus scrapes it. */
    private static double chatRepliesRead(ConfigurableApplicationContext gateway) {
        return gateway.getBean(MeterRegistry.class).get("fleet.replies.records.consumed")
                .tag("topic", FleetTopics.CHAT_REPLIES.name()).functionCounter().count();
    }

    private static ReplyConsumer<?> chatReplies(ConfigurableApplicationContext gateway) {
        return gateway.getBean(ReplyConsumers.class).all().stream()
                .filter(c -> c.topic().equals(FleetTopics.CHAT_REPLIES)).findFirst().orElseThrow();
    }

    private static String givenActiveKey() {
        String tenantId = UUID.randomUUID().toString();
        String key = "fk-" + UUID.randomUUID();
        send(FleetTopics.TENANTS, null, tenantId, Tenant.newBuilder().setId(tenantId).setName("Replicas")
                .setPlan(Plan.ENTERPRISE).setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(1_000_000)
                .setTokensPerDay(1_000_000_000).setUpdatedAt(Instant.now()).build());
        String keyId = UUID.randomUUID().toString();
        send(FleetTopics.API_KEYS, null, keyId, ApiKey.newBuilder().setId(keyId).setTenantId(tenantId)
                .setSha256(ApiKeyHash.sha256Hex(key)).setPrefix(key.substring(0, 7))
                .setScopes(List.of("chat", "embeddings", "items", "search")).setStatus(ApiKeyStatus.ACTIVE)
                .setUpdatedAt(Instant.now()).build());
        return key;
    }

    private static <V extends SpecificRecord> void send(Topic<V> topic, Integer partition, String key, V value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), partition, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic.name(), e);
        }
    }

    /** Plays the orchestrator: answers each chat request with its chunks on the request's reply partition. */
    private static final class FakeOrchestrator {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Thread thread = new Thread(this::run, "fake-orchestrator");
        private volatile int answered;

        FakeOrchestrator() {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(FleetTopics.CHAT_REQUESTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // from now on, resolved before any request is sent
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            consumer.wakeup();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void run() {
            try {
                while (true) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        answer(SERDE.deserialize(FleetTopics.CHAT_REQUESTS, record.value()));
                    }
                }
            } catch (WakeupException e) {
                // stopped
            } finally {
                consumer.close();
            }
        }

        private void answer(ChatRequested request) {
            Integer partition = request.getReplyPartition();
            assertThat(partition).as("replyPartition of %s", request.getRequestId()).isNotNull();
            for (int seq = 0; seq <= DELTAS.size(); seq++) {
                boolean last = seq == DELTAS.size();
                ChatChunk chunk = ChatChunk.newBuilder().setRequestId(request.getRequestId()).setSeq(seq)
                        .setModel(request.getModel()).setDelta(last ? "" : DELTAS.get(seq))
                        .setFinishReason(last ? FinishReason.STOP : null)
                        .setUsage(last ? new TokenUsage(3, DELTAS.size()) : null).build();
                producer.send(new ProducerRecord<>(FleetTopics.CHAT_REPLIES.name(), partition,
                        request.getRequestId(), chunk));
            }
            answered++;
        }
    }
}
