package dev.fleet.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.avro.specific.SpecificRecord;
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
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ExperimentAssigned;
import dev.fleet.events.v1.ExperimentOutcome;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.ModelAliasChanged;
import dev.fleet.orchestrator.domain.EventIds;
import dev.fleet.orchestrator.domain.routing.AliasRegistry;
import dev.fleet.orchestrator.domain.routing.ExperimentBuckets;
import dev.fleet.orchestrator.messaging.ModelAliasFeed;
import dev.fleet.orchestrator.messaging.OutboxEventWriter;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.OpenAiSimulator;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.TopicReader;

/**
 * Model aliases and experiments against the real broker and PostgreSQL, with the OpenAI simulator
 * serving two models: an alias's target is the model the provider is asked for, a change reaches a
 * second registry on the topic within 2 s, and an experiment assigns each user once (one
 * {@code ExperimentAssigned}) and reports one {@code ExperimentOutcome} per request, with the arm
 * the user's bucket decides.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // its chat consumers must not answer another test class's requests in the same JVM
class ModelRoutingIntegrationTest {

    private static final String MODEL_A = "sim-a";
    private static final String MODEL_B = "sim-b";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration PROPAGATION = Duration.ofSeconds(2);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final OpenAiSimulator SIMULATOR = OpenAiSimulator.start();
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private static KafkaProducer<String, SpecificRecord> producer;
    private static TopicReader<String, SpecificRecord> replies;
    private static TopicReader<byte[], byte[]> events;

    @Autowired
    private WebTestClient web;

    @Autowired
    private AliasRegistry registry;

    @Autowired
    private TopicMirrors mirrors;

    private final String tenant = UUID.randomUUID().toString();
    private final String alias = "chat-" + UUID.randomUUID().toString().substring(0, 8);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        registry.add("fleet.orchestrator.openai.base-url", SIMULATOR::baseUrl);
        registry.add("fleet.orchestrator.openai.models", () -> MODEL_A + "," + MODEL_B);
        registry.add("fleet.orchestrator.outbox.relay-interval", () -> "100ms");
    }

    @BeforeAll
    static void connectClients() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(properties, new StringSerializer(), SERDE.serializer());
    }

    @AfterAll
    static void closeClients() {
        if (replies != null) {
            replies.close();
        }
        if (events != null) {
            events.close();
        }
        producer.close(Duration.ofSeconds(5));
        SIMULATOR.close();
    }

    @AfterEach
    void deleteTestData() throws SQLException {
        try (Connection db = SharedPostgres.connect()) {
            for (String sql : List.of(
                    "DELETE FROM orchestrator.experiment_assignments WHERE tenant_id = ?",
                    "DELETE FROM orchestrator.processed_chat_requests WHERE tenant_id = ?",
                    "DELETE FROM orchestrator.conversations WHERE tenant_id = ?")) {
                try (PreparedStatement statement = db.prepareStatement(sql)) {
                    statement.setString(1, tenant);
                    statement.executeUpdate();
                }
            }
            try (PreparedStatement statement = db.prepareStatement(
                    "DELETE FROM orchestrator.model_aliases WHERE alias = ?")) {
                statement.setString(1, alias);
                statement.executeUpdate();
            }
        }
    }

    @Test
    void routesAnAliasToItsTargetAndEveryRegistryFollowsChangesWithin2s() {
        // given a second registry on the topic, as another replica keeps it
        AliasRegistry otherReplica = ModelAliasFeed.feed(mirrors, new AliasRegistry());

        // when the alias is created, it answers 201, then 200 for a change
        admin(web.put().uri("/admin/models/aliases/" + alias).bodyValue(targets(MODEL_A)))
                .exchange().expectStatus().isCreated();
        Instant changed = Instant.now();
        Map<String, Object> body = admin(web.put().uri("/admin/models/aliases/" + alias).bodyValue(targets(MODEL_B)))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();

        // then both registries route by the change within 2 s
        assertThat(body.get("targets")).isEqualTo(List.of(Map.of("provider", "openai", "model", MODEL_B)));
        await().atMost(PROPAGATION).until(() -> registry.find(alias).map(a -> a.getTargets().get(0).getModel())
                .equals(Optional.of(MODEL_B)) && otherReplica.find(alias).map(a -> a.getTargets().get(0).getModel())
                .equals(Optional.of(MODEL_B)));
        assertThat(Duration.between(changed, Instant.now())).isLessThan(PROPAGATION.plusSeconds(1));

        // and a request naming the alias is answered by the target's model, under the alias's name
        ChatRequested request = chat(alias, null);
        send(request);
        List<ChatChunk> reply = awaitReply(request.getRequestId());
        assertThat(reply.get(reply.size() - 1).getFinishReason()).isEqualTo(FinishReason.STOP);
        assertThat(reply).allMatch(chunk -> chunk.getModel().equals(alias));
        assertThat(modelAskedFor(request)).isEqualTo(MODEL_B);
        admin(web.get().uri("/admin/models/aliases")).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data[?(@.alias == '" + alias + "')].targets[0].model").isEqualTo(MODEL_B);

        // when it is removed, both registries forget it within 2 s (the tombstone), and it is announced
        admin(web.delete().uri("/admin/models/aliases/" + alias)).exchange().expectStatus().isOk();
        await().atMost(PROPAGATION).until(() -> registry.find(alias).isEmpty() && otherReplica.find(alias).isEmpty());
        admin(web.get().uri("/admin/models/aliases/" + alias)).exchange().expectStatus().isNotFound();
        DomainEvent removed = awaitEvent(e -> e.getPayload() instanceof ModelAliasChanged c
                && c.getAlias().getAlias().equals(alias) && c.getRemoved());
        assertThat(removed.getTenantId()).isEqualTo(OutboxEventWriter.PLATFORM_TENANT.toString());
        assertThat(removed.getSubject()).isEqualTo("model-alias/" + alias);
    }

    @Test
    void refusesAliasesAndExperimentsItCouldNotServe() {
        expectInvalid(web.put().uri("/admin/models/aliases/" + alias).bodyValue(Map.of("targets", List.of())),
                "targets");
        expectInvalid(web.put().uri("/admin/models/aliases/" + alias).bodyValue(targets("no-such-model")), "targets");
        expectInvalid(web.put().uri("/admin/models/aliases/" + MODEL_A).bodyValue(targets(MODEL_B)), "alias");
        admin(web.put().uri("/admin/models/aliases/" + alias).bodyValue(targets(MODEL_A)))
                .exchange().expectStatus().isCreated();
        expectInvalid(web.put().uri("/admin/models/aliases/" + alias + "/experiment")
                .bodyValue(experiment(arm("a", 0, MODEL_A), arm("b", 10, MODEL_B))), "arms");
        expectInvalid(web.put().uri("/admin/models/aliases/" + alias + "/experiment")
                .bodyValue(experiment(arm("a", 10, MODEL_A), arm("a", 10, MODEL_B))), "arms");
        admin(web.put().uri("/admin/models/aliases/no-such-alias/experiment")
                .bodyValue(experiment(arm("a", 10, MODEL_A), arm("b", 10, MODEL_B))))
                .exchange().expectStatus().isNotFound();
        admin(web.put().uri("/admin/models/aliases/" + alias + "/experiment")
                .bodyValue(experiment(arm("a", 10, MODEL_A), arm("b", 10, MODEL_B))))
                .exchange().expectStatus().isOk();
        admin(web.put().uri("/admin/models/aliases/" + alias + "/experiment")
                .bodyValue(experiment(arm("a", 90, MODEL_A), arm("b", 10, MODEL_B))))
                .exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.error.code").isEqualTo("experiment_running");
        admin(web.delete().uri("/admin/models/aliases/" + alias)).exchange().expectStatus().isOk();
    }

    @Test
    void assignsEachUserOnceAndReportsAnOutcomePerRequestWithTheUsersArm() throws SQLException {
        // given an alias with a 50/50 experiment, and two users in each arm
        admin(web.put().uri("/admin/models/aliases/" + alias).bodyValue(targets(MODEL_A)))
                .exchange().expectStatus().isCreated();
        admin(web.put().uri("/admin/models/aliases/" + alias + "/experiment")
                .bodyValue(experiment(arm("control", 50, MODEL_A), arm("candidate", 50, MODEL_B))))
                .exchange().expectStatus().isOk();
        await().atMost(PROPAGATION).until(() -> registry.find(alias).map(a -> a.getExperiment() != null)
                .orElse(false));
        Map<String, String> armOf = usersPerArm(2);

        // when each user sends two requests at once, then one more
        List<ChatRequested> requests = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (String user : armOf.keySet()) {
                requests.add(chat(alias, user));
            }
            if (round == 1) {
                requests.forEach(ModelRoutingIntegrationTest::send);
                requests.forEach(r -> awaitReply(r.getRequestId()));
            }
        }
        requests.subList(8, 12).forEach(ModelRoutingIntegrationTest::send);

        // then every request was served by its user's arm and reported once, with that arm
        for (ChatRequested request : requests) {
            awaitReply(request.getRequestId());
            String user = request.getOptions().getUser();
            String expectedModel = armOf.get(user).equals("control") ? MODEL_A : MODEL_B;
            assertThat(modelAskedFor(request)).isEqualTo(expectedModel);
            DomainEvent event = awaitEvent(e -> EventIds.derive(request.getRequestId(), "experiment-outcome")
                    .equals(e.getEventId()));
            ExperimentOutcome outcome = (ExperimentOutcome) event.getPayload();
            assertThat(outcome.getArm()).isEqualTo(armOf.get(user));
            assertThat(outcome.getExperiment()).isEqualTo("tone-test");
            assertThat(outcome.getUser()).isEqualTo(user);
            assertThat(outcome.getSucceeded()).isTrue();
            assertThat(outcome.getCompletionTokens()).isPositive();
            assertThat(outcome.getLatencyMillis()).isGreaterThanOrEqualTo(outcome.getTimeToFirstTokenMillis());
            assertThat(event.getTenantId()).isEqualTo(tenant);
        }

        // and each user was assigned exactly once, with the arm and bucket that decided it
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM orchestrator.outbox WHERE tenant_id::text = ? "
                + "AND published_at IS NULL", tenant) == 0);
        for (String user : armOf.keySet()) {
            await().atMost(WAIT).pollInSameThread().until(() -> assignments(user).size() >= 1);
        }
        for (String user : armOf.keySet()) {
            List<ExperimentAssigned> assigned = assignments(user);
            assertThat(assigned).singleElement().satisfies(a -> {
                assertThat(a.getArm()).isEqualTo(armOf.get(user));
                assertThat(a.getBucket()).isEqualTo(ExperimentBuckets.bucket(tenant, user, "tone-test"));
                assertThat(a.getAlias()).isEqualTo(alias);
            });
        }
        assertThat(count("SELECT count(*) FROM orchestrator.experiment_assignments WHERE tenant_id = ?", tenant))
                .isEqualTo(4);
        assertThat(events().stream().filter(e -> e.getPayload() instanceof ExperimentOutcome o
                && o.getAlias().equals(alias))).hasSize(12);

        // when the experiment ends, the alias's own targets serve every user, outside the experiment
        admin(web.delete().uri("/admin/models/aliases/" + alias + "/experiment")).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.experiment").doesNotExist();
        await().atMost(PROPAGATION).until(() -> registry.find(alias).map(a -> a.getExperiment() == null)
                .orElse(false));
        String candidate = armOf.entrySet().stream().filter(e -> e.getValue().equals("candidate")).findFirst()
                .orElseThrow().getKey();
        ChatRequested after = chat(alias, candidate);
        send(after);
        awaitReply(after.getRequestId());
        assertThat(modelAskedFor(after)).isEqualTo(MODEL_A);
        admin(web.delete().uri("/admin/models/aliases/" + alias)).exchange().expectStatus().isOk();
    }

    /** {@code perArm} users of this test's tenant in each arm of a 50/50 experiment "tone-test", by user. */
    private Map<String, String> usersPerArm(int perArm) {
        Map<String, String> users = new LinkedHashMap<>();
        int control = 0;
        int candidate = 0;
        for (int i = 0; control < perArm || candidate < perArm; i++) {
            String user = "user-" + i;
            boolean isControl = ExperimentBuckets.bucket(tenant, user, "tone-test") < ExperimentBuckets.BUCKETS / 2;
            if (isControl && control < perArm) {
                users.put(user, "control");
                control++;
            } else if (!isControl && candidate < perArm) {
                users.put(user, "candidate");
                candidate++;
            }
        }
        return users;
    }

    private List<ExperimentAssigned> assignments(String user) {
        return events().stream().filter(e -> e.getTenantId().equals(tenant))
                .map(DomainEvent::getPayload)
                .filter(p -> p instanceof ExperimentAssigned a && a.getUser().equals(user)
                        && a.getAlias().equals(alias))
                .map(ExperimentAssigned.class::cast)
                .toList();
    }

    private DomainEvent awaitEvent(Predicate<DomainEvent> match) {
        return await().atMost(WAIT).pollInSameThread().until(() -> events().stream().filter(match).findFirst(),
                Optional::isPresent)
                .orElseThrow();
    }

    /**
     * Every domain event on the topic so far (from its beginning), read raw and decoded one by one: the
     * shared topic may hold another test's poison record, which a decoding consumer could not pass.
     */
    private static List<DomainEvent> events() {
        if (events == null) { // the topics exist once the application provisioned them
            events = TopicReader.raw(FleetTopics.DOMAIN_EVENTS.name());
        }
        List<DomainEvent> decoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : events.drain(r -> r.value() != null)) {
            try {
                decoded.add((DomainEvent) SERDE.deserialize(FleetTopics.DOMAIN_EVENTS.name(), record.value()));
            } catch (RuntimeException notAnEvent) {
                // another test's poison record
            }
        }
        return decoded;
    }

    private List<ChatChunk> awaitReply(String requestId) {
        if (replies == null) {
            replies = TopicReader.decoded(FleetTopics.CHAT_REPLIES.name(), SERDE.deserializer());
        }
        return await().atMost(WAIT).pollInSameThread().until(() -> replies.drain(r -> requestId.equals(r.key())).stream()
                        .map(r -> (ChatChunk) r.value())
                        .sorted(Comparator.comparingInt(ChatChunk::getSeq)).toList(),
                chunks -> chunks.stream().anyMatch(c -> c.getFinishReason() != null));
    }

    /** The model the simulator was asked for when answering {@code request} (found by its question). */
    private static String modelAskedFor(ChatRequested request) {
        String question = request.getMessages().get(request.getMessages().size() - 1).getContent();
        JsonNode body = await().atMost(WAIT).until(() -> SIMULATOR.requests().stream()
                .filter(r -> {
                    JsonNode messages = r.get("messages");
                    return messages.get(messages.size() - 1).get("content").asText().equals(question);
                }).findFirst(), Optional::isPresent).orElseThrow();
        return body.get("model").asText();
    }

    private ChatRequested chat(String model, String user) {
        String requestId = UUID.randomUUID().toString();
        return ChatRequested.newBuilder()
                .setRequestId(requestId)
                .setTenantId(tenant)
                .setConversationId(UUID.randomUUID().toString())
                .setModel(model)
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, "Question " + requestId + "?")))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-test")
                .setRequestedAt(Instant.now())
                .setOptions(user == null ? null : ChatOptions.newBuilder().setUser(user).build())
                .build();
    }

    private static void send(ChatRequested request) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(FleetTopics.CHAT_REQUESTS.name(),
                request.getConversationId(), request);
        record.headers().add(FleetHeaders.TENANT_ID, request.getTenantId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(FleetHeaders.EVENT_ID, request.getRequestId().getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private WebTestClient.RequestHeadersSpec<?> admin(WebTestClient.RequestHeadersSpec<?> request) {
        return request.headers(h -> h.setBearerAuth(FleetTestEnvironment.ADMIN_TOKEN));
    }

    private void expectInvalid(WebTestClient.RequestHeadersSpec<?> request, String parameter) {
        admin(request).exchange().expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo(parameter);
    }

    private static Map<String, Object> targets(String model) {
        return Map.of("targets", List.of(Map.of("provider", "openai", "model", model)));
    }

    private static Map<String, Object> arm(String name, int weight, String model) {
        return Map.of("name", name, "weight", weight, "targets", List.of(Map.of("provider", "openai", "model", model)));
    }

    @SafeVarargs
    private static Map<String, Object> experiment(Map<String, Object>... arms) {
        return Map.of("name", "tone-test", "arms", List.of(arms));
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
