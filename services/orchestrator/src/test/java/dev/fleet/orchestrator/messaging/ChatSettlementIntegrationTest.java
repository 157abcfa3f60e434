package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
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
import dev.fleet.test.TopicReader;

/**
 * The crash windows of a chat's settlement (decision 0051), against the real broker and PostgreSQL:
 * a request redelivered after its usage was published (a SIGKILL after the settlement, before the
 * offset commit) is skipped — one usage event per meter ({@code read_committed}), one model call, no
 * second answer; and a settlement that does not commit (a crash, or the database failing at the
 * mark) leaves no usage behind, so the request answered again is billed exactly once.
 */
class ChatSettlementIntegrationTest {

    private static final String MODEL = "sim-model";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    private static OpenAiSimulator simulator;
    private static KafkaProducer<String, SpecificRecord> producer;
    private static ConfigurableApplicationContext orchestrator;
    private static TopicReader<String, SpecificRecord> usage;
    private static TopicReader<String, SpecificRecord> replies;

    @BeforeAll
    static void start() {
        simulator = OpenAiSimulator.start();
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), SERDE.serializer());
        orchestrator = new SpringApplicationBuilder(OrchestratorApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers(),
                "--fleet.admin.token=" + FleetTestEnvironment.ADMIN_TOKEN,
                "--spring.r2dbc.url=" + SharedPostgres.r2dbcUrl(),
                "--spring.r2dbc.username=" + SharedPostgres.user(),
                "--spring.flyway.url=" + SharedPostgres.jdbcUrl(),
                "--spring.flyway.user=" + SharedPostgres.user(),
                "--fleet.orchestrator.openai.base-url=" + simulator.baseUrl(),
                "--fleet.orchestrator.openai.models=" + MODEL);
        usage = TopicReader.decoded(FleetTopics.USAGE.name(), SERDE::deserialize); // read_committed
        replies = TopicReader.decoded(FleetTopics.CHAT_REPLIES.name(), SERDE::deserialize);
    }

    @AfterAll
    static void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        for (TopicReader<?, ?> reader : new TopicReader<?, ?>[] {usage, replies}) {
            if (reader != null) {
                reader.close();
            }
        }
        producer.close(Duration.ofSeconds(5));
        simulator.close();
    }

    @Test
    void aRequestRedeliveredAfterItsUsageWasPublishedIsNeitherAnsweredNorBilledAgain() {
        // given a request answered and settled: its usage is on the topic
        String tenant = UUID.randomUUID().toString();
        String conversation = UUID.randomUUID().toString();
        String question = "Was I answered " + UUID.randomUUID() + "?";
        ChatRequested first = chat(tenant, conversation, question);
        send(first);
        await().atMost(WAIT).until(() -> usageOf(tenant).size() == 2); // prompt and completion tokens

        // when it is delivered again (its offset was not committed before the crash), followed by the
        // conversation's next request, which the orchestrator handles only after it
        send(first);
        ChatRequested next = chat(tenant, conversation, "And now " + UUID.randomUUID() + "?");
        send(next);
        await().atMost(WAIT).until(() -> usageOf(tenant).size() >= 4);

        // then the first request has one usage event per meter, one model call and one answer
        Map<String, Long> copies = usageOf(tenant).stream().collect(Collectors.groupingBy(
                ChatSettlementIntegrationTest::eventId, Collectors.counting()));
        assertThat(copies).hasSize(4).allSatisfy((id, count) -> assertThat(count).as("copies of " + id).isOne());
        assertThat(modelCalls(question)).isOne();
        assertThat(attempts(first)).hasSize(1);
    }

    @Test
    void aSettlementThatDoesNotCommitLeavesNoUsageAndTheRequestIsBilledOnce() throws Exception {
        // given the database fails the first settlement of this tenant's request at its last write,
        // the "answered" mark (as a crash before the commit would leave it)
        String tenant = UUID.randomUUID().toString();
        String suffix = tenant.replace("-", "");
        try (Connection db = SharedPostgres.connect(); Statement sql = db.createStatement()) {
            sql.execute("CREATE SEQUENCE public.fail_once_" + suffix);
            sql.execute("""
                    CREATE FUNCTION public.fail_mark_once_%1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF NEW.tenant_id = '%2$s' AND nextval('public.fail_once_%1$s') = 1 THEN
                        RAISE EXCEPTION 'simulated crash: the settlement of %% does not commit', NEW.request_id;
                      END IF;
                      RETURN NEW;
                    END $$""".formatted(suffix, tenant));
            sql.execute("CREATE TRIGGER fail_mark_once_" + suffix + " BEFORE INSERT ON "
                    + "orchestrator.processed_chat_requests FOR EACH ROW EXECUTE FUNCTION public.fail_mark_once_"
                    + suffix + "()");
        }
        try {
            // when a request is answered: the first run's settlement fails, the listener runs it again
            String question = "Bill me once " + UUID.randomUUID();
            ChatRequested request = chat(tenant, UUID.randomUUID().toString(), question);
            send(request);
            await().atMost(WAIT).until(() -> attempts(request).size() == 2 && usageOf(tenant).size() >= 2);
            ChatRequested next = chat(tenant, request.getConversationId(), "Anything else " + UUID.randomUUID());
            send(next); // once it is billed, anything of the first request would be on the topic before it
            await().atMost(WAIT).until(() -> usageOf(tenant).size() >= 4);

            // then each usage event of the request is on the topic once, although the model was asked twice
            Map<String, Long> copies = usageOf(tenant).stream().collect(Collectors.groupingBy(
                    ChatSettlementIntegrationTest::eventId, Collectors.counting()));
            assertThat(copies).hasSize(4).allSatisfy((id, count) -> assertThat(count).as("copies of " + id).isOne());
            assertThat(modelCalls(question)).as("the unsettled first run called the model too").isEqualTo(2);
        } finally {
            try (Connection db = SharedPostgres.connect(); Statement sql = db.createStatement()) {
                sql.execute("DROP TRIGGER IF EXISTS fail_mark_once_" + suffix + " ON orchestrator.processed_chat_requests");
                sql.execute("DROP FUNCTION IF EXISTS public.fail_mark_once_" + suffix + "()");
                sql.execute("DROP SEQUENCE IF EXISTS public.fail_once_" + suffix);
            }
        }
    }

    private static ChatRequested chat(String tenant, String conversation, String question) {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(tenant)
                .setConversationId(conversation)
                .setModel(MODEL)
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, question)))
                .setStream(false)
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

    /** The tenant's usage records on the topic so far (usage is keyed by tenant id). */
    private static synchronized List<ConsumerRecord<String, SpecificRecord>> usageOf(String tenant) {
        return usage.drain(r -> tenant.equals(r.key()));
    }

    /** The request's reply chunks so far, by attempt. */
    private static synchronized Map<String, List<ChatChunk>> attempts(ChatRequested request) {
        return replies.drain(r -> request.getRequestId().equals(r.key())).stream()
                .map(r -> (ChatChunk) r.value())
                .collect(Collectors.groupingBy(ChatChunk::getAttempt));
    }

    /** Model calls whose newest message is {@code question} (a later call of the conversation has it as history). */
    private static long modelCalls(String question) {
        return simulator.requests().stream().filter(body -> {
            JsonNode messages = body.path("messages");
            return messages.size() > 0 && messages.get(messages.size() - 1).toString().contains(question);
        }).count();
    }

    private static String eventId(ConsumerRecord<String, SpecificRecord> record) {
        return FleetHeaders.get(record.headers(), FleetHeaders.EVENT_ID).orElseThrow();
    }

}
