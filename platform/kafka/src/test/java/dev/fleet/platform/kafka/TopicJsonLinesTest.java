package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ExperimentOutcome;
import dev.fleet.events.v1.ModelAlias;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.SharedKafka;

class TopicJsonLinesTest {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    @Test
    void printsARecordAsOneJsonLineWithTheUnionBranchNamed() throws Exception {
        DomainEvent event = DomainEvent.newBuilder().setEventId("e1").setTenantId("t1")
                .setOccurredAt(Instant.ofEpochMilli(1_000)).setActor("orchestrator").setSubject("experiment/chat/x")
                .setProducedBy("orchestrator")
                .setPayload(ExperimentOutcome.newBuilder().setExperiment("x").setAlias("chat").setArm("control")
                        .setUser("u1").setRequestId("r1").setSucceeded(true).setLatencyMillis(900)
                        .setTimeToFirstTokenMillis(120L).setPromptTokens(10).setCompletionTokens(20).build())
                .build();
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(FleetTopics.DOMAIN_EVENTS.name(), 2, 7, "t1",
                SERDE.serialize(FleetTopics.DOMAIN_EVENTS.name(), event));
        record.headers().add(FleetHeaders.EVENT_ID, "e1".getBytes(StandardCharsets.UTF_8));

        String line = TopicJsonLines.line(record, SERDE);

        assertThat(line).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.at("/offset").asLong()).isEqualTo(7);
        assertThat(json.at("/headers/event-id").asText()).isEqualTo("e1");
        JsonNode outcome = json.at("/value/payload").get("dev.fleet.events.v1.ExperimentOutcome");
        assertThat(outcome.get("arm").asText()).isEqualTo("control");
        assertThat(outcome.get("timeToFirstTokenMillis").get("long").asLong()).isEqualTo(120);
        assertThat(json.at("/value/occurredAt").asLong()).isEqualTo(1_000);
    }

    @Test
    void dumpsATopicFromItsBeginningToItsCurrentEndIncludingTombstones() throws Exception {
        String topic = FleetTopics.MODEL_ALIASES.name();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            }
        }
        String alias = "dump-" + UUID.randomUUID();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()), new StringSerializer(),
                SERDE.serializer())) {
            producer.send(new ProducerRecord<>(topic, alias, new ModelAlias(alias,
                    List.of(new ModelTarget("openai", "m1")), null, Instant.ofEpochMilli(5)))).get();
            producer.send(new ProducerRecord<>(topic, alias, null)).get();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicJsonLines.dump(consumer, topic, SERDE, new PrintStream(out, true, StandardCharsets.UTF_8));
        }

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode node = json.readTree(line);
            if (alias.equals(node.get("key").asText())) {
                lines.add(node);
            }
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).at("/value/targets/0/model").asText()).isEqualTo("m1");
        assertThat(lines.get(1).get("value").isNull()).isTrue();
    }

    @Test
    void printsAnUndecodableRecordWithItsErrorInsteadOfStopping() throws Exception {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(FleetTopics.DOMAIN_EVENTS.name(), 0, 1, "t1",
                new byte[] {1, 2, 3});

        JsonNode json = new ObjectMapper().readTree(TopicJsonLines.line(record, SERDE));

        assertThat(json.has("value")).isFalse();
        assertThat(json.get("error").asText()).isNotBlank();
    }
}
