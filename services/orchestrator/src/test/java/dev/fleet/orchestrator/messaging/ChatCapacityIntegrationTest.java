package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.CompletionFailed;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.UsageRecorded;
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
import dev.fleet.test.TopicReader;

/**
 * Chat capacity of one orchestrator against the real broker and PostgreSQL and a slow simulated
 * model (2 s to the first token): many chats in flight at once, one tenant's burst not delaying
 * another tenant, and deadlines counted from {@code requestedAt}. A class of its own because the
 * slow model and the small per-tenant limit would slow down every other orchestrator test. The
 * measured times are printed; the bounds asserted are generous.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext // its chat consumers must not answer the other test class's requests in the same JVM
class ChatCapacityIntegrationTest {

    private static final String MODEL = "sim-model";
    private static final Duration ANSWER_TIME = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final OpenAiSimulator SIMULATOR = OpenAiSimulator.start().latency(ANSWER_TIME, Duration.ZERO);

    private static KafkaProducer<String, SpecificRecord> producer;
    private static TopicReader<String, SpecificRecord> replies;
    private static TopicReader<String, SpecificRecord> usage;
    private static TopicReader<String, SpecificRecord> events;

    private final List<String> tenants = new ArrayList<>();
    private final Map<String, Instant> finished = new HashMap<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        registry.add("fleet.orchestrator.openai.base-url", SIMULATOR::baseUrl);
        registry.add("fleet.orchestrator.openai.models", () -> MODEL);
        registry.add("fleet.orchestrator.openai.minimum-calls", () -> "1000");
        registry.add("fleet.orchestrator.chat.concurrency", () -> "1"); // everything through one consumer
        registry.add("fleet.orchestrator.chat.max-in-flight", () -> "32");
        registry.add("fleet.orchestrator.chat.max-in-flight-per-tenant", () -> "24");
        registry.add("fleet.orchestrator.chat.timeout", () -> "30s");
    }

    @BeforeEach
    void connect() { // once the application has created the topics
        if (producer != null) {
            return;
        }
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), SERDE.serializer());
        replies = TopicReader.decoded(FleetTopics.CHAT_REPLIES.name(), SERDE::deserialize);
        usage = TopicReader.decoded(FleetTopics.USAGE.name(), SERDE::deserialize);
        events = TopicReader.decodedSkippingUnreadable(FleetTopics.DOMAIN_EVENTS.name(), SERDE::deserialize);
        // one chat first, so the measured ones do not pay for the first connection and a cold JVM
        ChatRequested warmUp = chat(newTenant(), "Warm?");
        send(warmUp);
        producer.flush();
        awaitFinished(List.of(warmUp));
    }

    @AfterAll
    static void disconnect() {
        replies.close();
        usage.close();
        events.close();
        producer.close(Duration.ofSeconds(5));
        SIMULATOR.close();
    }

    @AfterEach
    void deleteTestData() throws SQLException {
        try (Connection db = SharedPostgres.connect(); PreparedStatement delete = db.prepareStatement(
                "DELETE FROM orchestrator.processed_chat_requests WHERE tenant_id = ?")) {
            for (String tenant : tenants) {
                delete.setString(1, tenant);
                delete.executeUpdate();
            }
        }
    }

    @Test
    void answers24ConcurrentChatsThroughOneConsumerInAboutTheTimeOfOne() {
        // given
        String tenant = newTenant();
        List<ChatRequested> requests = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            requests.add(chat(tenant, "Question " + i + "?"));
        }

        // when
        Instant start = Instant.now();
        requests.forEach(ChatCapacityIntegrationTest::send);
        producer.flush();
        awaitFinished(requests);

        // then: far less than 24 answers one after the other (48 s)
        Duration took = Duration.between(start, latest(requests));
        System.out.printf("24 concurrent chats, model answering in %d ms: %d ms%n", ANSWER_TIME.toMillis(),
                took.toMillis());
        assertThat(took).isLessThan(Duration.ofSeconds(8));
        for (ChatRequested request : requests) {
            assertThat(text(request)).isEqualTo(OpenAiSimulator.answerTo(question(request)));
        }
    }

    @Test
    void aTenantsBurstDoesNotDelayAnotherTenantsChat() {
        // given: a burst of 40 from one tenant, more than its 24 in flight, fetched before another tenant's chat
        String bursting = newTenant();
        String other = newTenant();
        List<ChatRequested> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(chat(bursting, "Burst " + i + "?"));
        }
        ChatRequested single = chat(other, "Am I kept waiting?");

        // when
        Instant start = Instant.now();
        burst.forEach(ChatCapacityIntegrationTest::send);
        send(single);
        producer.flush();
        List<ChatRequested> all = new ArrayList<>(burst);
        all.add(single);
        awaitFinished(all);

        // then: the single chat was answered with the burst's first wave (~2 s), not behind it (second wave, ~4 s)
        Duration singleTook = Duration.between(start, finished.get(single.getRequestId()));
        Duration burstTook = Duration.between(start, latest(burst));
        System.out.printf("burst of 40 (24 in flight per tenant) took %d ms; the other tenant's chat %d ms%n",
                burstTook.toMillis(), singleTook.toMillis());
        assertThat(singleTook).isLessThan(burstTook.minus(ANSWER_TIME.dividedBy(2)));
        assertThat(singleTook).isLessThan(ANSWER_TIME.multipliedBy(2).plusSeconds(1));
        assertThat(text(single)).isEqualTo(OpenAiSimulator.answerTo("Am I kept waiting?"));
    }

    @Test
    void answersARequestOlderThanItsDeadlineWithATimeoutWithoutAskingTheModelOrBilling() {
        // given: a request made 10 minutes ago, with a 30 s deadline
        String tenant = newTenant();
        ChatRequested stale = chat(tenant, "Still interested " + UUID.randomUUID() + "?");
        stale.setRequestedAt(Instant.now().minus(Duration.ofMinutes(10)));

        // when
        send(stale);
        producer.flush();
        awaitFinished(List.of(stale));

        // then: a timeout error chunk, the model never asked, a CompletionFailed and no usage
        List<ChatChunk> reply = chunks(stale.getRequestId());
        assertThat(reply).singleElement().satisfies(chunk -> {
            assertThat(chunk.getFinishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(chunk.getError().getCode()).isEqualTo(ErrorCode.TIMEOUT);
        });
        assertThat(SIMULATOR.requests()).noneSatisfy(body ->
                assertThat(body.toString()).contains(question(stale)));
        ConsumerRecord<String, SpecificRecord> failed = events.awaitRecord(r -> tenant.equals(r.key())
                && r.value() instanceof DomainEvent event && event.getPayload() instanceof CompletionFailed, WAIT);
        assertThat(failed).isNotNull();
        assertThat(usage.drain(r -> tenant.equals(r.key()) && r.value() instanceof UsageRecorded)).isEmpty();
    }

    private String newTenant() {
        String tenant = UUID.randomUUID().toString();
        tenants.add(tenant);
        return tenant;
    }

    private static ChatRequested chat(String tenant, String question) {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(tenant)
                .setConversationId(UUID.randomUUID().toString())
                .setModel(MODEL)
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, question)))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-test")
                .setRequestedAt(Instant.now())
                .build();
    }

    private static String question(ChatRequested request) {
        return request.getMessages().get(request.getMessages().size() - 1).getContent();
    }

    private static void send(ChatRequested request) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(FleetTopics.CHAT_REQUESTS.name(),
                request.getConversationId(), request);
        record.headers().add(FleetHeaders.TENANT_ID, request.getTenantId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(FleetHeaders.EVENT_ID, request.getRequestId().getBytes(StandardCharsets.UTF_8));
        producer.send(record);
    }

    /** Waits until every request's last chunk is on the replies topic, noting when each was first seen. */
    private void awaitFinished(List<ChatRequested> requests) {
        await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(50)).until(() -> {
            Instant now = Instant.now();
            replies.drain(r -> r.value() instanceof ChatChunk chunk && chunk.getFinishReason() != null)
                    .forEach(r -> finished.putIfAbsent(r.key(), now));
            return requests.stream().allMatch(request -> finished.containsKey(request.getRequestId()));
        });
    }

    private Instant latest(List<ChatRequested> requests) {
        return requests.stream().map(request -> finished.get(request.getRequestId())).max(Instant::compareTo)
                .orElseThrow();
    }

    private static List<ChatChunk> chunks(String requestId) {
        return replies.drain(r -> requestId.equals(r.key())).stream().map(r -> (ChatChunk) r.value())
                .sorted((a, b) -> Integer.compare(a.getSeq(), b.getSeq())).toList();
    }

    private static String text(ChatRequested request) {
        return chunks(request.getRequestId()).stream().map(ChatChunk::getDelta).reduce("", String::concat);
    }
}
