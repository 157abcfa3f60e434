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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.StreamAborted;
import dev.fleet.events.v1.StreamCompleted;
import dev.fleet.events.v1.StreamStarted;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.events.v1.UsageSource;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.tokens.TokenCounter;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.OpenAiSimulator;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.SimulatedBehaviour;
import dev.fleet.test.TopicReader;

/**
 * Exact usage over Kafka (issue 6, decision record 0024): 200 streams through one orchestrator
 * against the OpenAI simulator — most complete, some break mid-stream (a disconnect, a stall longer
 * than the token timeout), some fail before any text — and the sum of {@code UsageRecorded} on
 * {@code fleet.usage.v1} equals the sum of the usage the clients were told on their last chunk
 * (the final chunk, or the error chunk of an aborted stream). A class of its own: it needs a short
 * token timeout and a circuit breaker that does not open on the injected failures.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext // its chat consumers must not answer the other test classes' requests in the same JVM
class StreamUsageIntegrationTest {

    private static final String MODEL = "sim-model";
    private static final int STREAMS = 200;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final SimulatedBehaviour PACED = SimulatedBehaviour.normal().withTokensPerSecond(200)
            .withAnswerTokens(12);
    private static final OpenAiSimulator SIMULATOR = OpenAiSimulator.start().defaults(PACED)
            .whenAsked("[disconnect]", PACED.withDisconnectAfter(4))
            .whenAsked("[stall]", PACED.withStall(3, Duration.ofSeconds(60)))
            .whenAsked("[refuse]", PACED.withDisconnectAfter(0));

    private static final List<String> tenants = new ArrayList<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        registry.add("fleet.orchestrator.openai.base-url", SIMULATOR::baseUrl);
        registry.add("fleet.orchestrator.openai.models", () -> MODEL);
        registry.add("fleet.orchestrator.openai.minimum-calls", () -> "100000"); // the injected failures must not open it
        registry.add("fleet.orchestrator.openai.sliding-window-calls", () -> "100000");
        registry.add("fleet.orchestrator.openai.token-timeout", () -> "10s");
        registry.add("fleet.orchestrator.openai.retry-backoff", () -> "10ms");
        registry.add("fleet.orchestrator.chat.timeout", () -> "60s");
    }

    @AfterAll
    static void deleteTestData() throws SQLException {
        SIMULATOR.close();
        try (Connection db = SharedPostgres.connect(); PreparedStatement delete = db.prepareStatement(
                "DELETE FROM orchestrator.processed_chat_requests WHERE tenant_id = ?")) {
            for (String tenant : tenants) {
                delete.setString(1, tenant);
                delete.executeUpdate();
            }
        }
    }

    @Test
    void billsExactlyTheUsageTheClientsWereToldOver200StreamsSomeAborted() throws Exception {
        // given: 200 chats of 10 tenants; every 5th disconnects after 4 tokens, every 5th stalls after 3
        // (beyond the 10 s token timeout), every 20th fails before any text
        for (int t = 0; t < 10; t++) {
            tenants.add(UUID.randomUUID().toString());
        }
        List<ChatRequested> requests = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            String fault = i % 5 == 0 ? "[disconnect]" : i % 5 == 1 ? "[stall]" : i % 20 == 2 ? "[refuse]" : "";
            requests.add(chat(tenants.get(i % tenants.size()), "Question " + i + " " + fault));
        }
        Set<String> ids = requests.stream().map(ChatRequested::getRequestId).collect(Collectors.toSet());
        Set<String> tenantIds = Set.copyOf(tenants);

        // when
        try (KafkaProducer<String, SpecificRecord> producer = producer();
                TopicReader<String, SpecificRecord> replies = TopicReader.decoded(FleetTopics.CHAT_REPLIES.name(),
                        SERDE::deserialize);
                TopicReader<String, SpecificRecord> usage = TopicReader.decoded(FleetTopics.USAGE.name(),
                        SERDE::deserialize);
                TopicReader<String, SpecificRecord> events = TopicReader.decodedSkippingUnreadable(FleetTopics.DOMAIN_EVENTS.name(),
                        SERDE::deserialize)) {
            requests.forEach(request -> send(producer, request));
            producer.flush();

            // then: every request ended, was billed (two meters) and has its stream end event
            await().atMost(WAIT).pollInSameThread().until(() -> replies.drain(r -> ids.contains(r.key())
                    && ((ChatChunk) r.value()).getFinishReason() != null).size() >= STREAMS);
            await().atMost(WAIT).pollInSameThread().until(() -> usage.drain(r -> tenantIds.contains(r.key()))
                    .size() >= 2 * STREAMS);
            await().atMost(WAIT).pollInSameThread().until(() -> streamEnds(events, ids).size() >= STREAMS);

            Map<String, List<ChatChunk>> chunks = replies.drain(r -> ids.contains(r.key())).stream()
                    .map(r -> (ChatChunk) r.value())
                    .collect(Collectors.groupingBy(ChatChunk::getRequestId));
            List<ConsumerRecord<String, SpecificRecord>> billed = usage.drain(r -> tenantIds.contains(r.key()));
            Map<String, Object> ends = streamEnds(events, ids);

            // the clients' view: the usage on each request's last chunk
            long toldPrompt = 0;
            long toldCompletion = 0;
            int aborted = 0;
            TokenCounter tokens = TokenCounter.cl100k();
            for (List<ChatChunk> reply : chunks.values()) {
                reply.sort(Comparator.comparingInt(ChatChunk::getSeq));
                ChatChunk last = reply.get(reply.size() - 1);
                assertThat(last.getUsage()).as("the last chunk tells the usage").isNotNull();
                toldPrompt += last.getUsage().getPromptTokens();
                toldCompletion += last.getUsage().getCompletionTokens();
                if (last.getFinishReason() == FinishReason.ERROR) {
                    aborted++;
                    String delivered = reply.stream().map(ChatChunk::getDelta).collect(Collectors.joining());
                    assertThat(last.getUsage().getCompletionTokens()).as("the text delivered before the error")
                            .isEqualTo(delivered.isEmpty() ? 0 : tokens.count(delivered));
                }
            }
            assertThat(chunks).hasSize(STREAMS);
            assertThat(aborted).as("the 90 faulty ones, and any normal one a loaded machine timed out")
                    .isBetween(90, STREAMS - 50);

            // the bill: each (request, meter) once, summing to what the clients were told
            assertThat(billed).extracting(r -> header(r, FleetHeaders.EVENT_ID)).doesNotHaveDuplicates();
            assertThat(sum(billed, Meter.PROMPT_TOKENS)).isEqualTo(toldPrompt).isPositive();
            assertThat(sum(billed, Meter.COMPLETION_TOKENS)).isEqualTo(toldCompletion).isPositive();
            System.out.printf("%d streams (%d aborted): clients told %d + %d tokens, UsageRecorded %d + %d%n",
                    STREAMS, aborted, toldPrompt, toldCompletion, sum(billed, Meter.PROMPT_TOKENS),
                    sum(billed, Meter.COMPLETION_TOKENS));

            // the lifecycle: completed streams carry the provider's reported usage, aborted ones what was delivered
            for (ChatRequested request : requests) {
                ChatChunk last = chunks.get(request.getRequestId()).get(chunks.get(request.getRequestId()).size() - 1);
                Object end = ends.get(request.getRequestId());
                if (question(request).contains("[")) {
                    assertThat(last.getFinishReason()).as("a faulty stream never finishes cleanly")
                            .isEqualTo(FinishReason.ERROR);
                }
                if (last.getFinishReason() == FinishReason.STOP) {
                    assertThat(end).isInstanceOfSatisfying(StreamCompleted.class, completed -> {
                        assertThat(completed.getUsageSource()).isEqualTo(UsageSource.REPORTED);
                        assertThat(new TokenUsage(completed.getPromptTokens(), completed.getCompletionTokens()))
                                .isEqualTo(last.getUsage());
                    });
                } else {
                    assertThat(end).isInstanceOfSatisfying(StreamAborted.class, abortedStream -> {
                        assertThat(abortedStream.getErrorCode()).isEqualTo("provider_unavailable");
                        assertThat(new TokenUsage(abortedStream.getPromptTokens(),
                                abortedStream.getCompletionTokens())).isEqualTo(last.getUsage());
                        assertThat(abortedStream.getChunksDelivered()).isEqualTo(last.getSeq());
                    });
                }
            }
            assertThat(events.drain(r -> r.value() instanceof DomainEvent event
                    && event.getPayload() instanceof StreamStarted started && ids.contains(started.getRequestId())))
                    .hasSize(STREAMS);
        }
    }

    private static String question(ChatRequested request) {
        return request.getMessages().get(request.getMessages().size() - 1).getContent();
    }

    /** The StreamCompleted or StreamAborted of each request, by request id. */
    private static Map<String, Object> streamEnds(TopicReader<String, SpecificRecord> events, Set<String> ids) {
        Map<String, Object> ends = new HashMap<>();
        for (ConsumerRecord<String, SpecificRecord> record : events.drain(r -> r.value() instanceof DomainEvent)) {
            Object payload = ((DomainEvent) record.value()).getPayload();
            String requestId = payload instanceof StreamCompleted c ? c.getRequestId()
                    : payload instanceof StreamAborted a ? a.getRequestId() : null;
            if (requestId != null && ids.contains(requestId)) {
                ends.merge(requestId, payload, (a, b) -> {
                    throw new AssertionError("two stream end events for request " + requestId);
                });
            }
        }
        return ends;
    }

    private static long sum(List<ConsumerRecord<String, SpecificRecord>> usage, Meter meter) {
        return usage.stream().map(r -> (UsageRecorded) r.value()).filter(u -> u.getMeter() == meter)
                .mapToLong(UsageRecorded::getQuantity).sum();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaProducer<String, SpecificRecord> producer() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), SERDE.serializer());
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

    private static void send(KafkaProducer<String, SpecificRecord> producer, ChatRequested request) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(FleetTopics.CHAT_REQUESTS.name(),
                request.getConversationId(), request);
        record.headers().add(FleetHeaders.TENANT_ID, request.getTenantId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(FleetHeaders.EVENT_ID, request.getRequestId().getBytes(StandardCharsets.UTF_8));
        producer.send(record);
    }
}
