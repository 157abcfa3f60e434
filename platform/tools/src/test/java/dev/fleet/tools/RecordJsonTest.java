package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ExperimentOutcome;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;

class RecordJsonTest {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final RecordJson JSON = new RecordJson(SERDE, SchemaVersions.fromCatalog());

    @Test
    void printsARecordAsOneJsonLineWithTheUnionBranchNamedAndItsWriterSchema() throws Exception {
        // given a domain event of today's schema
        DomainEvent event = DomainEvent.newBuilder().setEventId("e1").setTenantId("t1")
                .setOccurredAt(Instant.ofEpochMilli(1_000)).setActor("orchestrator").setSubject("experiment/chat/x")
                .setProducedBy("orchestrator")
                .setPayload(ExperimentOutcome.newBuilder().setExperiment("x").setAlias("chat").setArm("control")
                        .setUser("u1").setRequestId("r1").setSucceeded(true).setLatencyMillis(900)
                        .setTimeToFirstTokenMillis(120L).setPromptTokens(10).setCompletionTokens(20).build())
                .build();
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(FleetTopics.DOMAIN_EVENTS.name(), 2, 7,
                bytes("t1"), SERDE.serialize(FleetTopics.DOMAIN_EVENTS.name(), event));
        record.headers().add(FleetHeaders.EVENT_ID, bytes("e1"));

        // when
        RecordJson.Line line = JSON.line(record);

        // then: one line, in Avro's JSON encoding, as scripts/experiment-results.jq reads it
        assertThat(line.toString()).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line.toString());
        assertThat(json.at("/offset").asLong()).isEqualTo(7);
        assertThat(json.at("/key").asText()).isEqualTo("t1");
        assertThat(json.at("/headers/event-id").asText()).isEqualTo("e1");
        assertThat(json.at("/schema").asText()).startsWith("dev.fleet.events.v1.DomainEvent v");
        JsonNode outcome = json.at("/value/payload").get("dev.fleet.events.v1.ExperimentOutcome");
        assertThat(outcome.get("arm").asText()).isEqualTo("control");
        assertThat(outcome.get("timeToFirstTokenMillis").get("long").asLong()).isEqualTo(120);
        assertThat(json.at("/value/occurredAt").asLong()).isEqualTo(1_000);
        assertThat(line.tenant()).contains("t1");
    }

    @Test
    void printsAnUndecodableRecordWithItsErrorAndRawBytesInsteadOfStopping() throws Exception {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(FleetTopics.DOMAIN_EVENTS.name(), 0, 1,
                bytes("t1"), new byte[] {1, 2, 3});

        JsonNode json = new ObjectMapper().readTree(JSON.line(record).toString());

        assertThat(json.has("value")).isFalse();
        assertThat(json.get("error").asText()).contains("SerializationException");
        assertThat(json.get("raw").asText()).isEqualTo("AQID");
    }

    @Test
    void decodesADeadLetterAsItsSourceTopicsRecord() throws Exception {
        DomainEvent event = DomainEvent.newBuilder().setEventId("e2").setTenantId("t2")
                .setOccurredAt(Instant.ofEpochMilli(1)).setActor("a").setSubject("s").setProducedBy("p")
                .setPayload(ExperimentOutcome.newBuilder().setExperiment("x").setAlias("chat").setArm("control")
                        .setUser("u1").setRequestId("r1").setSucceeded(false).setLatencyMillis(1)
                        .setPromptTokens(1).setCompletionTokens(0).build())
                .build();
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(FleetTopics.DOMAIN_EVENTS.dlq(), 0, 0,
                bytes("t2"), SERDE.serialize(FleetTopics.DOMAIN_EVENTS.name(), event));

        JsonNode json = new ObjectMapper().readTree(JSON.line(record).toString());

        assertThat(json.at("/value/eventId").asText()).isEqualTo("e2");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
