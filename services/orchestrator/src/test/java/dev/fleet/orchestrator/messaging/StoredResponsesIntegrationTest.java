package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.CompletionSucceeded;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.ResponseAction;
import dev.fleet.events.v1.ResponseDeleted;
import dev.fleet.events.v1.ResponseLookup;
import dev.fleet.events.v1.ResponseLookupResult;
import dev.fleet.events.v1.ResponseRequested;
import dev.fleet.events.v1.StoredResponse;
import dev.fleet.orchestrator.domain.responses.ResponseRetention;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.OpenAiSimulator;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.SimulatedBehaviour;
import dev.fleet.test.TopicReader;

/**
 * Stored responses of the Responses API (decision 0029) against the real broker, PostgreSQL and the
 * OpenAI simulator: a request with {@code store} is kept before its last chunk, retrieved through
 * the lookup topics, continued with {@code previous_response_id} (the model sees the earlier turns,
 * trimmed to the context budget as a conversation is, and the event says so), refused for an
 * unknown or another tenant's id, deleted with a {@code ResponseDeleted} event that carries no
 * content, and purged past its retention.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // its chat consumers must not answer the other test class's requests in the same JVM
class StoredResponsesIntegrationTest {

    private static final String SIM_MODEL = "sim-model";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final OpenAiSimulator SIMULATOR = OpenAiSimulator.start();
    private static final Map<String, TopicReader<String, SpecificRecord>> READERS = new HashMap<>();
    private static KafkaProducer<String, SpecificRecord> producer;

    @Autowired
    private ResponseRetention retention;

    private final List<String> tenants = new ArrayList<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        registry.add("fleet.orchestrator.openai.base-url", SIMULATOR::baseUrl);
        registry.add("fleet.orchestrator.openai.models", () -> SIM_MODEL);
        registry.add("fleet.orchestrator.openai.max-attempts", () -> "1");
        registry.add("fleet.orchestrator.openai.minimum-calls", () -> "1000"); // injected failures must not open it
        registry.add("fleet.orchestrator.outbox.relay-interval", () -> "100ms");
        registry.add("fleet.orchestrator.responses.retention", () -> "30d");
        registry.add("fleet.orchestrator.responses.purge-interval", () -> "1h"); // the test purges itself
    }

    @BeforeAll
    static void connect() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), SERDE.serializer());
    }

    @AfterEach
    void deleteTestData() throws SQLException {
        SIMULATOR.reset();
        try (Connection db = SharedPostgres.connect()) {
            for (String tenant : tenants) {
                for (String sql : List.of("DELETE FROM orchestrator.responses WHERE tenant_id = ?",
                        "DELETE FROM orchestrator.outbox WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.conversations WHERE tenant_id = ?",
                        "DELETE FROM orchestrator.processed_chat_requests WHERE tenant_id = ?")) {
                    try (PreparedStatement statement = db.prepareStatement(sql)) {
                        statement.setString(1, tenant);
                        statement.executeUpdate();
                    }
                }
            }
        }
    }

    @AfterAll
    static void close() {
        READERS.values().forEach(TopicReader::close);
        READERS.clear();
        producer.close(Duration.ofSeconds(5));
        SIMULATOR.close();
    }

    @Test
    void shouldStoreAResponseBeforeItsLastChunkAndAnswerItsLookup() throws SQLException {
        // given a responses request with instructions and store
        String tenant = newTenant();
        ChatRequested request = response(tenant, "Be brief.", "What is Fleet?", null, true);

        // when it is answered
        send(request);
        List<ChatChunk> reply = awaitReply(request.getRequestId());

        // then the response is stored by the time the client has the last chunk
        assertThat(count("SELECT count(*) FROM orchestrator.responses WHERE id = ?", responseId(request)))
                .isEqualTo(1);
        StoredResponse stored = lookup(tenant, responseId(request), ResponseAction.RETRIEVE).getResponse();
        assertThat(stored.getStatus()).isEqualTo("completed");
        assertThat(stored.getRequestId()).isEqualTo(request.getRequestId());
        assertThat(stored.getModel()).isEqualTo(SIM_MODEL);
        assertThat(stored.getInstructions()).isEqualTo("Be brief.");
        assertThat(stored.getInput()).extracting(m -> m.getRole() + ": " + m.getContent())
                .containsExactly("USER: What is Fleet?");
        assertThat(stored.getOutputText()).isEqualTo(OpenAiSimulator.answerTo("What is Fleet?"))
                .isEqualTo(text(reply));
        assertThat(stored.getUsage()).isEqualTo(reply.get(reply.size() - 1).getUsage());
        assertThat(stored.getMetadata()).containsEntry("k", "v");
        assertThat(stored.getCreatedAt()).isEqualTo(request.getRequestedAt());
    }

    @Test
    void shouldNotStoreAResponseWithoutStoreNorAChatCompletion() throws SQLException {
        String tenant = newTenant();
        ChatRequested unstored = response(tenant, null, "Do not keep this.", null, false);
        ChatRequested chat = ChatRequested.newBuilder(response(tenant, null, "Nor this.", null, true))
                .setResponse(null).build();

        send(unstored);
        send(chat);
        awaitReply(unstored.getRequestId());
        awaitReply(chat.getRequestId());

        assertThat(count("SELECT count(*) FROM orchestrator.responses WHERE tenant_id = ?", tenant)).isZero();
        assertThat(lookup(tenant, responseId(unstored), ResponseAction.RETRIEVE).getError().getType())
                .isEqualTo(ErrorType.NOT_FOUND_ERROR);
    }

    @Test
    void shouldStoreAFailedResponseWithItsError() {
        String tenant = newTenant();
        SIMULATOR.failNext(1, 500);
        ChatRequested request = response(tenant, null, "This will fail.", null, true);

        send(request);
        assertThat(awaitReply(request.getRequestId())).last().satisfies(c -> assertThat(c.getError()).isNotNull());

        StoredResponse stored = lookup(tenant, responseId(request), ResponseAction.RETRIEVE).getResponse();
        assertThat(stored.getStatus()).isEqualTo("failed");
        assertThat(stored.getError()).isNotNull();
        assertThat(stored.getOutputText()).isEmpty();
    }

    @Test
    void shouldStoreAResponseCutOffMidStreamAsFailedWithTheTextDelivered() {
        // given a provider that drops the connection after 3 tokens
        String tenant = newTenant();
        SIMULATOR.whenAsked("[cut me off]", SimulatedBehaviour.normal().withAnswerTokens(20).withDisconnectAfter(3));
        ChatRequested request = response(tenant, null, "Tell a long story [cut me off]", null, true);

        // when it is answered
        send(request);
        List<ChatChunk> reply = awaitReply(request.getRequestId());

        // then the reply ends with an error after the text, and the stored response says failed with that text
        assertThat(text(reply)).isNotEmpty();
        assertThat(reply).last().satisfies(c -> assertThat(c.getError()).isNotNull());
        StoredResponse stored = lookup(tenant, responseId(request), ResponseAction.RETRIEVE).getResponse();
        assertThat(stored.getStatus()).isEqualTo("failed");
        assertThat(stored.getOutputText()).isEqualTo(text(reply));
        assertThat(stored.getError().getCode()).isEqualTo(reply.get(reply.size() - 1).getError().getCode());
        assertThat(stored.getUsage()).isEqualTo(reply.get(reply.size() - 1).getUsage());
    }

    @Test
    void shouldContinueAChainOfResponsesAndTrimItLikeAConversation() {
        // given two stored responses, the second continuing the first
        String tenant = newTenant();
        ChatRequested first = response(tenant, "Be brief.", "My name is Ada.", null, true);
        send(first);
        awaitReply(first.getRequestId());
        ChatRequested second = response(tenant, "Answer in English.", "What is my name?", responseId(first), true);

        // when the second is answered
        send(second);
        awaitReply(second.getRequestId());

        // then the model saw the first turn (its input and output, not its instructions), and the event says so
        assertThat(messagesSentFor("What is my name?")).containsExactly(
                "system: Answer in English.",
                "user: My name is Ada.",
                "assistant: " + OpenAiSimulator.answerTo("My name is Ada."),
                "user: What is my name?");
        CompletionSucceeded continued = completionOf(second);
        assertThat(continued.getHistoryMessagesKept()).isEqualTo(2);
        assertThat(continued.getHistoryMessagesDropped()).isZero();
        assertThat(continued.getHistoryTokens()).isPositive();

        // when a third continues the second but leaves no room (max_tokens 8190 of the 8192-token context)
        ChatRequested third = ChatRequested.newBuilder(
                response(tenant, null, "Anything else?", responseId(second), true)).setMaxTokens(8190).build();
        send(third);
        awaitReply(third.getRequestId());

        // then the whole chain (two turns) is dropped, and the event says so
        assertThat(messagesSentFor("Anything else?")).containsExactly("user: Anything else?");
        CompletionSucceeded trimmed = completionOf(third);
        assertThat(trimmed.getHistoryMessagesKept()).isZero();
        assertThat(trimmed.getHistoryMessagesDropped()).isEqualTo(4);
    }

    @Test
    void shouldReturnTheModelsToolCallStoreItAndContinueWithTheToolResult() throws Exception {
        // given a response request offering a function tool and asking for JSON
        String tenant = newTenant();
        ChatOptions options = ChatOptions.newBuilder()
                .setToolsJson("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"parameters\":{\"type\":\"object\"}}}]")
                .setResponseFormatJson("{\"type\":\"json_object\"}").build();
        ChatRequested first = ChatRequested.newBuilder(response(tenant, null, "Weather in Oslo?", null, true))
                .setOptions(options).build();

        // when it is answered
        send(first);
        List<ChatChunk> reply = awaitReply(first.getRequestId());

        // then the model's tool call comes back on a chunk, the reply ends with tool_calls, and it is stored
        String calls = reply.stream().map(ChatChunk::getToolCallsJson).filter(c -> c != null).findFirst().orElseThrow();
        JsonNode call = new ObjectMapper().readTree(calls).get(0);
        assertThat(call.path("id").asText()).isEqualTo(OpenAiSimulator.TOOL_CALL_ID);
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(reply).last().satisfies(c -> assertThat(c.getFinishReason()).isEqualTo(FinishReason.TOOL_CALLS));
        assertThat(lookup(tenant, responseId(first), ResponseAction.RETRIEVE).getResponse().getOutputToolCallsJson())
                .isEqualTo(calls);
        JsonNode sent = SIMULATOR.requests().stream()
                .filter(r -> r.path("messages").toString().contains("Weather in Oslo?")).findFirst().orElseThrow();
        assertThat(sent.path("response_format").path("type").asText()).isEqualTo("json_object");

        // when the client sends the tool's result, continuing the stored response
        ChatRequested second = ChatRequested.newBuilder(response(tenant, null, "unused", responseId(first), true))
                .setMessages(List.of(ChatMessage.newBuilder(ChatMessages.text(ChatRole.TOOL, "-3 degrees"))
                        .setToolCallId(OpenAiSimulator.TOOL_CALL_ID).build()))
                .setOptions(options).build();
        send(second);

        // then the model saw its own call and the result, and answered with text
        assertThat(text(awaitReply(second.getRequestId())))
                .isEqualTo(OpenAiSimulator.answerToToolResult("-3 degrees"));
        JsonNode followUp = SIMULATOR.requests().stream()
                .filter(r -> r.path("messages").toString().contains("-3 degrees")).findFirst().orElseThrow();
        JsonNode messages = followUp.path("messages");
        assertThat(messages.get(1).path("tool_calls").get(0).path("id").asText())
                .isEqualTo(OpenAiSimulator.TOOL_CALL_ID);
        assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo(OpenAiSimulator.TOOL_CALL_ID);
    }

    @Test
    void shouldRefuseAnUnknownOrAnotherTenantsPreviousResponseWithoutCallingTheModel() {
        // given tenant A's stored response
        String owner = newTenant();
        ChatRequested owned = response(owner, null, "A secret.", null, true);
        send(owned);
        awaitReply(owned.getRequestId());
        int calls = SIMULATOR.requests().size();

        // when tenant B continues it, and A continues one that does not exist
        ChatRequested stolen = response(newTenant(), null, "What was the secret?", responseId(owned), true);
        ChatRequested unknown = response(owner, null, "Go on.", "resp_" + UUID.randomUUID(), true);
        send(stolen);
        send(unknown);

        // then both are not found, and no model is called
        for (ChatRequested refused : List.of(stolen, unknown)) {
            assertThat(awaitReply(refused.getRequestId())).last().satisfies(c -> {
                assertThat(c.getError().getType()).isEqualTo(ErrorType.NOT_FOUND_ERROR);
                assertThat(c.getError().getMessage()).isEqualTo("Previous response with id '"
                        + refused.getResponse().getPreviousResponseId() + "' not found.");
            });
        }
        assertThat(SIMULATOR.requests()).hasSize(calls);
    }

    @Test
    void shouldDeleteOnlyTheTenantsResponseAndRecordTheDeletionWithoutContent() throws SQLException {
        // given a stored response
        String tenant = newTenant();
        ChatRequested request = response(tenant, null, "Forget me soon.", null, true);
        send(request);
        awaitReply(request.getRequestId());
        String id = responseId(request);

        // when another tenant deletes it, then it is not found and the response stays
        assertThat(lookup(newTenant(), id, ResponseAction.DELETE).getError().getType())
                .isEqualTo(ErrorType.NOT_FOUND_ERROR);
        assertThat(lookup(newTenant(), id, ResponseAction.RETRIEVE).getError().getType())
                .isEqualTo(ErrorType.NOT_FOUND_ERROR);
        assertThat(count("SELECT count(*) FROM orchestrator.responses WHERE id = ?", id)).isEqualTo(1);

        // when its tenant deletes it
        ResponseLookupResult deleted = lookup(tenant, id, ResponseAction.DELETE);

        // then it is gone, a second deletion is not found, and a domain event records ids only
        assertThat(deleted.getDeleted()).isTrue();
        assertThat(deleted.getError()).isNull();
        assertThat(count("SELECT count(*) FROM orchestrator.responses WHERE id = ?", id)).isZero();
        assertThat(lookup(tenant, id, ResponseAction.RETRIEVE).getError().getType())
                .isEqualTo(ErrorType.NOT_FOUND_ERROR);
        assertThat(lookup(tenant, id, ResponseAction.DELETE).getError().getType())
                .isEqualTo(ErrorType.NOT_FOUND_ERROR);
        ConsumerRecord<String, SpecificRecord> event = awaitRecord(FleetTopics.DOMAIN_EVENTS, r -> r.value()
                instanceof DomainEvent e && e.getPayload() instanceof ResponseDeleted d && d.getResponseId().equals(id));
        DomainEvent domainEvent = (DomainEvent) event.value();
        assertThat(domainEvent.getTenantId()).isEqualTo(tenant);
        assertThat(domainEvent.getActor()).isEqualTo("key-of-" + tenant);
        assertThat(domainEvent.getSubject()).isEqualTo("response/" + id);
        assertThat(((ResponseDeleted) domainEvent.getPayload()).getRequestId()).isEqualTo(request.getRequestId());
        assertThat(SERDE.serializer().serialize(FleetTopics.DOMAIN_EVENTS.name(), domainEvent))
                .asString(StandardCharsets.UTF_8).doesNotContain("Forget me soon")
                .doesNotContain(OpenAiSimulator.answerTo("Forget me soon."));
    }

    @Test
    void shouldNotFindAndPurgeResponsesPastTheirRetention() throws SQLException {
        // given a response stored 31 days ago (retention 30 days) and a fresh one
        String tenant = newTenant();
        ChatRequested fresh = response(tenant, null, "Keep me.", null, true);
        send(fresh);
        awaitReply(fresh.getRequestId());
        String old = "resp_" + UUID.randomUUID();
        insertStoredResponse(old, tenant, Instant.now().minus(Duration.ofDays(31)));

        // then the old one is not found any more, and continuing it is refused
        assertThat(lookup(tenant, old, ResponseAction.RETRIEVE).getError().getType())
                .isEqualTo(ErrorType.NOT_FOUND_ERROR);

        // when the purge runs
        long purged = retention.purge().block(WAIT);

        // then only the old one is deleted
        assertThat(purged).isGreaterThanOrEqualTo(1);
        assertThat(count("SELECT count(*) FROM orchestrator.responses WHERE id = ?", old)).isZero();
        assertThat(lookup(tenant, responseId(fresh), ResponseAction.RETRIEVE).getResponse()).isNotNull();
    }

    // ---- helpers ----

    private String newTenant() {
        String tenant = UUID.randomUUID().toString();
        tenants.add(tenant);
        return tenant;
    }

    private static String responseId(ChatRequested request) {
        return request.getResponse().getResponseId();
    }

    /** A request as the gateway makes it of {@code POST /v1/responses}: instructions first, then the input. */
    private static ChatRequested response(String tenant, String instructions, String input, String previous,
            boolean store) {
        String requestId = UUID.randomUUID().toString();
        List<ChatMessage> messages = new ArrayList<>();
        if (instructions != null) {
            messages.add(ChatMessages.text(ChatRole.SYSTEM, instructions));
        }
        messages.add(ChatMessages.text(ChatRole.USER, input));
        return ChatRequested.newBuilder()
                .setRequestId(requestId)
                .setTenantId(tenant)
                .setConversationId(UUID.randomUUID().toString())
                .setModel(SIM_MODEL)
                .setMessages(messages)
                .setStream(false)
                .setMetadata(Map.of("k", "v"))
                .setReplyTo("gateway-test")
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setResponse(ResponseRequested.newBuilder()
                        .setResponseId("resp_" + requestId)
                        .setStore(store)
                        .setPreviousResponseId(previous)
                        .setInstructions(instructions)
                        .setMetadata(Map.of("k", "v"))
                        .build())
                .build();
    }

    private static void send(ChatRequested request) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(FleetTopics.CHAT_REQUESTS.name(),
                request.getConversationId(), request);
        record.headers().add(FleetHeaders.TENANT_ID, request.getTenantId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(FleetHeaders.EVENT_ID, request.getRequestId().getBytes(StandardCharsets.UTF_8));
        publish(record);
    }

    /** Asks the orchestrator over the lookup topics, as the gateway does, and waits for its answer. */
    private static ResponseLookupResult lookup(String tenant, String responseId, ResponseAction action) {
        String requestId = UUID.randomUUID().toString();
        ResponseLookup lookup = ResponseLookup.newBuilder().setRequestId(requestId).setTenantId(tenant)
                .setResponseId(responseId).setAction(action).setActor("key-of-" + tenant).setReplyTo("gateway-test")
                .setReplyPartition(null).setRequestedAt(Instant.now()).build();
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(FleetTopics.RESPONSE_LOOKUPS.name(),
                requestId, lookup);
        record.headers().add(FleetHeaders.TENANT_ID, tenant.getBytes(StandardCharsets.UTF_8));
        record.headers().add(FleetHeaders.EVENT_ID, requestId.getBytes(StandardCharsets.UTF_8));
        publish(record);
        return (ResponseLookupResult) awaitRecord(FleetTopics.RESPONSE_LOOKUP_RESULTS,
                r -> requestId.equals(r.key())).value();
    }

    private static void publish(ProducerRecord<String, SpecificRecord> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ChatChunk> awaitReply(String requestId) {
        return await().atMost(WAIT).until(() -> read(FleetTopics.CHAT_REPLIES, r -> requestId.equals(r.key())).stream()
                .map(r -> (ChatChunk) r.value()).sorted(Comparator.comparingInt(ChatChunk::getSeq)).toList(),
                chunks -> chunks.stream().anyMatch(c -> c.getFinishReason() != null));
    }

    private static String text(List<ChatChunk> chunks) {
        return chunks.stream().map(ChatChunk::getDelta).reduce("", String::concat);
    }

    private static CompletionSucceeded completionOf(ChatRequested request) {
        return (CompletionSucceeded) ((DomainEvent) awaitRecord(FleetTopics.DOMAIN_EVENTS, r -> r.value()
                instanceof DomainEvent e && e.getPayload() instanceof CompletionSucceeded c
                && c.getRequestId().equals(request.getRequestId())).value()).getPayload();
    }

    /** The messages the simulator received in the request whose last message is {@code question}, as "role: content". */
    private static List<String> messagesSentFor(String question) {
        JsonNode body = await().atMost(WAIT).until(() -> SIMULATOR.requests().stream()
                .filter(r -> {
                    JsonNode messages = r.get("messages");
                    return messages.get(messages.size() - 1).get("content").asText().equals(question);
                }).reduce((a, b) -> b), Optional::isPresent).orElseThrow();
        List<String> messages = new ArrayList<>();
        body.get("messages").forEach(m -> messages.add(m.get("role").asText() + ": " + m.get("content").asText()));
        return messages;
    }

    private static ConsumerRecord<String, SpecificRecord> awaitRecord(Topic<?> topic,
            Predicate<ConsumerRecord<String, SpecificRecord>> match) {
        return await().atMost(WAIT).until(() -> read(topic, match).stream().findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    /** The records of {@code topic} read so far that match; records other tests left undecodable are passed over. */
    private static List<ConsumerRecord<String, SpecificRecord>> read(Topic<?> topic,
            Predicate<ConsumerRecord<String, SpecificRecord>> match) {
        TopicReader<String, SpecificRecord> reader = READERS.computeIfAbsent(topic.name(),
                name -> TopicReader.decoded(name, (t, data) -> {
                    try {
                        return data == null ? null : SERDE.deserialize(t, data);
                    } catch (RuntimeException poison) {
                        return null;
                    }
                }));
        return reader.drain(r -> r.key() != null && r.value() != null && match.test(r));
    }

    private static void insertStoredResponse(String id, String tenant, Instant createdAt) throws SQLException {
        try (Connection db = SharedPostgres.connect(); PreparedStatement insert = db.prepareStatement("""
                INSERT INTO orchestrator.responses (id, tenant_id, request_id, model, status, created_at, input,
                    output_text)
                VALUES (?, ?, ?, ?, 'completed', ?, '[]'::jsonb, 'old answer')""")) {
            insert.setString(1, id);
            insert.setString(2, tenant);
            insert.setString(3, UUID.randomUUID().toString());
            insert.setString(4, SIM_MODEL);
            insert.setTimestamp(5, Timestamp.from(createdAt));
            insert.executeUpdate();
        }
    }

    private static long count(String sql, String parameter) throws SQLException {
        try (Connection db = SharedPostgres.connect(); PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
