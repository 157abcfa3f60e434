package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.events.v1.Meter;
import dev.fleet.schemas.FleetTopics;

class AvroSingleObjectSerdeTest {

    private final FleetSchemaStore store = FleetSchemaStore.fromCatalog();
    private final AvroSingleObjectSerde serde = new AvroSingleObjectSerde(store);

    @Test
    void shouldRoundTripARecordInSingleObjectEncoding() {
        UsageRecorded usage = UsageRecorded.newBuilder().setTenantId("t1").setMeter(Meter.PROMPT_TOKENS)
                .setQuantity(42).setModel("extractive").setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();

        byte[] bytes = serde.serialize(FleetTopics.USAGE.name(), usage);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(UsageRecorded.getClassSchema()));
        assertThat(serde.deserialize(FleetTopics.USAGE, bytes)).isEqualTo(usage);
        assertThat(serde.deserialize(FleetTopics.USAGE.name(), bytes)).isEqualTo(usage);
    }

    @Test
    void shouldNameTopicAndFingerprintForAnUnknownWriterSchema() throws Exception {
        Schema foreign = new Schema.Parser().parse("""
                {"type":"record","name":"Foreign","namespace":"x","fields":[{"name":"a","type":"string"}]}""");
        GenericRecord record = new GenericData.Record(foreign);
        record.put("a", "b");
        byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), foreign).encode(record));

        assertThatThrownBy(() -> serde.deserialize(FleetTopics.USAGE.name(), bytes))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("fleet.usage.v1")
                .hasMessageContaining(String.format("%016x", SchemaNormalization.parsingFingerprint64(foreign)));
    }

    @Test
    void shouldRejectBytesThatAreNotSingleObjectAvro() {
        byte[] garbage = "not avro at all".getBytes();

        assertThatThrownBy(() -> serde.deserialize(FleetTopics.USAGE.name(), garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("fleet.usage.v1");
    }

    @Test
    void shouldRefuseTopicsOutsideTheCatalog() {
        assertThatThrownBy(() -> serde.deserialize("somebody.elses.topic", new byte[] {1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not in the topic catalog");
    }

    @Test
    void shouldDecodeARecordWrittenWithAnOlderSchemaIntoTodaysType() throws Exception {
        // given: an older ChatChunk schema without the later, defaulted `error` and `attempt` fields, known to the store
        Schema current = ChatChunk.getClassSchema();
        List<Schema.Field> olderFields = current.getFields().stream()
                .filter(f -> !f.name().equals("error") && !f.name().equals("attempt"))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        Schema older = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false,
                olderFields);
        store.register(older);
        GenericRecord old = new GenericData.Record(older);
        old.put("requestId", "r1");
        old.put("seq", 3);
        old.put("model", "extractive");
        old.put("delta", "hello");
        old.put("finishReason", new GenericData.EnumSymbol(FinishReason.getClassSchema(), "STOP"));
        GenericRecord usage = new GenericData.Record(TokenUsage.getClassSchema());
        usage.put("promptTokens", 5);
        usage.put("completionTokens", 1);
        old.put("usage", usage);
        byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old));

        // when
        ChatChunk chunk = serde.deserialize(FleetTopics.CHAT_REPLIES, bytes);

        // then
        assertThat(chunk.getDelta()).isEqualTo("hello");
        assertThat(chunk.getUsage().getPromptTokens()).isEqualTo(5);
        assertThat(chunk.getError()).isNull();
        assertThat(chunk.getAttempt()).isEmpty();
    }

    @Test
    void shouldReadSymbolsAddedByANewerWriterAsTheEnumsDefaults() throws Exception {
        // given: a newer ChatChunk schema with a finish reason, an error type and an error code this reader lacks
        Schema newer = new Schema.Parser().parse(ChatChunk.getClassSchema().toString()
                .replace("\"TOOL_CALLS\"]", "\"TOOL_CALLS\",\"CONTENT_FILTER\"]")
                .replace("\"SERVER_ERROR\"]", "\"SERVER_ERROR\",\"OVERLOADED_ERROR\"]")
                .replace("\"INTERNAL_ERROR\"]", "\"INTERNAL_ERROR\",\"QUOTA_EXCEEDED\"]"));
        assertThat(newer).isNotEqualTo(ChatChunk.getClassSchema());
        store.register(newer);
        Schema errorSchema = newer.getField("error").schema().getTypes().get(1);
        GenericRecord error = new GenericData.Record(errorSchema);
        error.put("type", new GenericData.EnumSymbol(errorSchema.getField("type").schema(), "OVERLOADED_ERROR"));
        error.put("code", new GenericData.EnumSymbol(errorSchema.getField("code").schema(), "QUOTA_EXCEEDED"));
        error.put("message", "slow down");
        GenericRecord chunk = new GenericData.Record(newer);
        chunk.put("requestId", "r1");
        chunk.put("seq", 0);
        chunk.put("model", "extractive");
        chunk.put("delta", "");
        chunk.put("finishReason", new GenericData.EnumSymbol(
                newer.getField("finishReason").schema().getTypes().get(1), "CONTENT_FILTER"));
        chunk.put("error", error);
        chunk.put("attempt", "a1");
        byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(chunk));

        // when
        ChatChunk read = serde.deserialize(FleetTopics.CHAT_REPLIES, bytes);

        // then
        assertThat(read.getFinishReason()).isEqualTo(FinishReason.STOP);
        assertThat(read.getError().getType()).isEqualTo(ErrorType.SERVER_ERROR);
        assertThat(read.getError().getCode()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(read.getError().getMessage()).isEqualTo("slow down");
    }

    @Test
    void shouldKeepTombstonesNull() {
        assertThat(serde.serialize(FleetTopics.ITEM_VECTORS.name(), null)).isNull();
        assertThat(serde.deserialize(FleetTopics.ITEM_VECTORS, null)).isNull();
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
