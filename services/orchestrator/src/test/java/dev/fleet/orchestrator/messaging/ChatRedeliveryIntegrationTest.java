package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.orchestrator.OrchestratorApplication;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.OpenAiSimulator;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.SimulatedBehaviour;
import dev.fleet.test.TopicReader;

/**
 * A chat request redelivered by a forced rebalance, against the real broker and PostgreSQL: one
 * orchestrator's model streams a few tokens and hangs (simulated); its chat listener is stopped
 * mid-stream, before the request's offset is committed (as a crashed or evicted consumer would
 * leave it), and a second orchestrator takes the partition, gets the request again and answers it
 * anew. The replies topic then holds two attempts' chunks, told apart by
 * {@code attempt}, each counting {@code seq} from 0 — what the gateway's reader needs to end the
 * client's stream with an error instead of splicing (its side is proven in the gateway's
 * {@code ReplyAttemptsTest} / {@code ChatCompletionsTest} with this very sequence).
 */
class ChatRedeliveryIntegrationTest {

    private static final String MODEL = "sim-model";
    private static final int SLOW_TOKENS = 40;
    /** Longer than the test: the first orchestrator's model never goes on (it is closed at the end). */
    private static final Duration HANG = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    private static OpenAiSimulator simulator;
    private static KafkaProducer<String, SpecificRecord> producer;
    private static TopicReader<String, SpecificRecord> replies;
    private static final List<ConfigurableApplicationContext> orchestrators = new ArrayList<>();

    @BeforeAll
    static void connect() {
        simulator = OpenAiSimulator.start();
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), SERDE.serializer());
    }

    @AfterAll
    static void disconnect() {
        orchestrators.forEach(ConfigurableApplicationContext::close);
        if (replies != null) {
            replies.close();
        }
        producer.close(Duration.ofSeconds(5));
        simulator.close();
    }

    @Test
    void aRequestRedeliveredMidStreamIsAnsweredByANewAttemptCountingFromZero() {
        // given: an orchestrator whose model streams 5 tokens of the first call, then hangs
        simulator.next(1, SimulatedBehaviour.normal().withTokensPerSecond(10).withAnswerTokens(SLOW_TOKENS)
                .withStall(5, HANG));
        ConfigurableApplicationContext first = orchestrator();
        replies = TopicReader.decoded(FleetTopics.CHAT_REPLIES.name(), SERDE::deserialize); // the topic exists now
        String question = "Will you be interrupted " + UUID.randomUUID() + "?";
        ChatRequested request = chat(question);
        send(request);

        // when: it has streamed text, its partition is taken away (forced rebalance) before the request
        // settled, and a second orchestrator joins, gets the request again and answers it
        await().atMost(WAIT).until(() -> chunks(request).stream().anyMatch(chunk -> !chunk.getDelta().isEmpty()));
        first.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer(ChatRequestListener.ID).stop();
        orchestrator();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> byAttempt(chunks(request)).values()
                .stream().anyMatch(ChatRedeliveryIntegrationTest::isFinished));

        // then: two attempts on the topic; the first (still hanging) never finished, the second counted
        // seq from 0 and answered completely, with nothing of the first in its text
        Map<String, List<ChatChunk>> attempts = byAttempt(chunks(request));
        assertThat(attempts).hasSize(2);
        List<String> ids = new ArrayList<>(attempts.keySet());
        List<ChatChunk> interrupted = attempts.get(ids.get(0));
        List<ChatChunk> answered = attempts.get(ids.get(1));
        assertThat(ids).allSatisfy(id -> assertThat(UUID.fromString(id)).isNotNull());
        assertThat(isFinished(interrupted)).as("the interrupted attempt finished").isFalse();
        assertThat(text(interrupted)).isNotEmpty();
        assertThat(OpenAiSimulator.answerOfLength(SLOW_TOKENS)).startsWith(text(interrupted));
        assertThat(answered).extracting(ChatChunk::getSeq)
                .containsExactlyElementsOf(IntStream.range(0, answered.size()).boxed().toList());
        assertThat(answered.get(answered.size() - 1).getFinishReason()).isEqualTo(FinishReason.STOP);
        assertThat(text(answered)).isEqualTo(OpenAiSimulator.answerTo(question));
    }

    private static ConfigurableApplicationContext orchestrator() {
        // arguments, not default properties: they must override application.yml
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OrchestratorApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers(),
                "--fleet.admin.token=" + FleetTestEnvironment.ADMIN_TOKEN,
                "--spring.r2dbc.url=" + SharedPostgres.r2dbcUrl(),
                "--spring.r2dbc.username=" + SharedPostgres.user(),
                "--spring.flyway.url=" + SharedPostgres.jdbcUrl(),
                "--spring.flyway.user=" + SharedPostgres.user(),
                "--fleet.orchestrator.openai.base-url=" + simulator.baseUrl(),
                "--fleet.orchestrator.openai.models=" + MODEL,
                "--fleet.orchestrator.chat.concurrency=1",
                "--fleet.orchestrator.openai.token-timeout=" + HANG.plusSeconds(30).toSeconds() + "s",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=100"); // joins rebalance sooner
        orchestrators.add(context);
        return context;
    }

    private static ChatRequested chat(String question) {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(UUID.randomUUID().toString())
                .setConversationId(UUID.randomUUID().toString())
                .setModel(MODEL)
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, question)))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-test")
                .setRequestedAt(Instant.now())
                .build();
    }

    private static void send(ChatRequested request) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(FleetTopics.CHAT_REQUESTS.name(),
                request.getConversationId(), request);
        record.headers().add(FleetHeaders.TENANT_ID, request.getTenantId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(FleetHeaders.EVENT_ID, request.getRequestId().getBytes(StandardCharsets.UTF_8));
        producer.send(record);
        producer.flush();
    }

    private static final List<ChatChunk> seen = new ArrayList<>();

    /** Every chunk of {@code request} so far, in the order they are on the topic. */
    private static List<ChatChunk> chunks(ChatRequested request) {
        replies.drain(r -> request.getRequestId().equals(r.key())).forEach(r -> seen.add((ChatChunk) r.value()));
        return List.copyOf(seen);
    }

    /** Chunks per attempt, attempts in the order they first appeared, duplicates (same seq) dropped. */
    private static Map<String, List<ChatChunk>> byAttempt(List<ChatChunk> chunks) {
        Map<String, List<ChatChunk>> attempts = new LinkedHashMap<>();
        for (ChatChunk chunk : chunks) {
            List<ChatChunk> of = attempts.computeIfAbsent(chunk.getAttempt(), a -> new ArrayList<>());
            if (of.stream().noneMatch(c -> c.getSeq() == chunk.getSeq())) {
                of.add(chunk);
            }
        }
        return attempts;
    }

    private static boolean isFinished(List<ChatChunk> attempt) {
        return attempt.stream().anyMatch(chunk -> chunk.getFinishReason() != null);
    }

    private static String text(List<ChatChunk> attempt) {
        return attempt.stream().map(ChatChunk::getDelta).reduce("", String::concat);
    }
}
