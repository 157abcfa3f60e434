package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ReindexJob;
import dev.fleet.events.v1.ReindexState;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.ConsumerGroupLags;
import dev.fleet.platform.kafka.ConsumerGroupLags.GroupLag;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.SchemaHistory;
import dev.fleet.schemas.Topic;
import dev.fleet.test.SharedKafka;

/** {@code topics list} and {@code topics tail} against the shared in-JVM broker. */
class TopicToolsIntegrationTest {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final RecordJson JSON = new RecordJson(SERDE, SchemaVersions.fromCatalog());
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Admin admin;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void connect() throws Exception {
        admin = Admin.create(config());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
        List<NewTopic> missing = new ArrayList<>();
        var existing = admin.listTopics().names().get();
        for (Topic<?> topic : List.of(FleetTopics.USAGE, FleetTopics.CHAT_REPLIES, FleetTopics.REINDEX_JOBS)) {
            if (!existing.contains(topic.name())) {
                missing.add(new NewTopic(topic.name(), topic.partitions(), (short) 1).configs(Map.of(
                        "cleanup.policy", topic.cleanup().config(),
                        "retention.ms", String.valueOf(topic.retention() == null ? -1 : topic.retention().toMillis()))));
            }
        }
        admin.createTopics(missing).all().get();
    }

    @AfterAll
    static void close() {
        producer.close(Duration.ofSeconds(2));
        admin.close(Duration.ofSeconds(2));
    }

    @Test
    void listShowsATopicWithItsPartitionsRetentionAndAGroupsLag() throws Exception {
        // given three usage records on partition 0, of which a group committed only the first
        String tenant = "list-" + UUID.randomUUID();
        String group = "lag-probe-" + UUID.randomUUID();
        long first = -1;
        for (int i = 0; i < 3; i++) {
            long offset = send(FleetTopics.USAGE.name(), 0, tenant, usage(tenant, i + 1), Map.of());
            first = first < 0 ? offset : first;
        }
        admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(FleetTopics.USAGE.name(), 0),
                new OffsetAndMetadata(first + 1))).all().get();

        // when
        TopicInventory.Inventory inventory = TopicInventory.read(admin);

        // then: the topic as the broker has it, and the group's lag of two records
        assertThat(inventory.topics()).contains(new TopicInventory.TopicRow(FleetTopics.USAGE.name(), 6, "delete",
                Duration.ofDays(7).toMillis(), "catalog"));
        assertThat(inventory.lags()).contains(new GroupLag(group, "Empty", List.of(),
                FleetTopics.USAGE.name(), 1, 2, 0));
        String table = TopicInventory.render(inventory);
        assertThat(table).containsPattern("fleet\\.usage\\.v1\\s+6\\s+delete\\s+7 d\\s+catalog");
        assertThat(table).containsPattern(group + "\\s+Empty\\s+0\\s+fleet\\.usage\\.v1\\s+1\\s+2");
    }

    @Test
    void listCountsAnAssignedPartitionWithNothingCommittedAsAllLag() throws Exception {
        // given a topic of two records and a group member that was assigned all of it but committed nothing
        String topic = FleetTopics.SCORE_REPLIES.name();
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        send(topic, 0, "r1", new byte[] {1}, Map.of());
        send(topic, 1, "r2", new byte[] {2}, Map.of());
        String group = "assigned-" + UUID.randomUUID();
        try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", SharedKafka.bootstrapServers(), "group.id", group,
                "enable.auto.commit", "false", "auto.offset.reset", "earliest"),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            member.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                member.poll(Duration.ofMillis(100));
                return member.assignment().size() == 2;
            });

            // when
            List<GroupLag> lags = TopicInventory.lags(admin);

            // then
            assertThat(lags).singleElement().satisfies(lag -> {
                assertThat(lag).extracting(GroupLag::group, GroupLag::state, GroupLag::membersSummary, GroupLag::topic,
                        GroupLag::partitions, GroupLag::lag, GroupLag::uncommitted)
                        .containsExactly(group, "Stable", "1 (2)", topic, 2, 2L, 2);
                assertThat(lag.members()).singleElement().extracting(ConsumerGroupLags.Member::partitions).isEqualTo(2);
            });
            assertThat(TopicInventory.renderLags(lags)).containsPattern(
                    group + "\\s+Stable\\s+1 \\(2\\)\\s+fleet\\.score\\.replies\\.v1\\s+2\\s+2\\s+\\(2 assigned, nothing committed yet\\)");
        }
    }

    @Test
    void tailDecodesRecordsOfTwoSchemaVersionsWithTheirHeaders() throws Exception {
        // given a chat chunk written with the released v1 schema (before attempts) and one of today's
        String request = "two-versions-" + UUID.randomUUID();
        Schema v1 = SchemaHistory.load().versions(ChatChunk.class.getName()).get(0);
        GenericRecord old = new GenericData.Record(v1);
        old.put("requestId", request);
        old.put("seq", 0);
        old.put("model", "m");
        old.put("delta", "Hello");
        ByteBuffer oldBytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        send(FleetTopics.CHAT_REPLIES.name(), 0, request, toArray(oldBytes), Map.of(FleetHeaders.TENANT_ID, "t-old"));
        send(FleetTopics.CHAT_REPLIES.name(), 0, request, SERDE.serialize(FleetTopics.CHAT_REPLIES.name(),
                ChatChunk.newBuilder().setRequestId(request).setSeq(1).setModel("m").setDelta(" world")
                        .setAttempt("a-2").build()), Map.of(FleetHeaders.TENANT_ID, "t-new"));

        // when
        List<JsonNode> lines = tail(new TailOptions(FleetTopics.CHAT_REPLIES.name(), true, true, Optional.empty(),
                Optional.empty()), request);

        // then
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).at("/schema").asText()).isEqualTo("dev.fleet.events.v1.ChatChunk v1");
        assertThat(lines.get(0).at("/value/delta").asText()).isEqualTo("Hello");
        assertThat(lines.get(0).at("/value/attempt").asText()).isEmpty(); // the v2 field's default
        assertThat(lines.get(0).at("/headers/tenant-id").asText()).isEqualTo("t-old");
        int today = SchemaHistory.load().versions(ChatChunk.class.getName()).size(); // the newest released version
        assertThat(lines.get(1).at("/schema").asText()).isEqualTo("dev.fleet.events.v1.ChatChunk v" + today);
        assertThat(lines.get(1).at("/value/attempt").asText()).isEqualTo("a-2");
        assertThat(lines.get(1).at("/partition").asInt()).isZero();
        assertThat(lines.get(1).at("/offset").asLong()).isEqualTo(lines.get(0).at("/offset").asLong() + 1);
        assertThat(lines.get(1).at("/timestamp").asLong()).isPositive();
    }

    @Test
    void tailFiltersByTenantHonoursMaxAndPrintsAPoisonRecord() throws Exception {
        // given two tenants' usage and a poison record of the first tenant's, all on one partition
        String mine = "tenant-a-" + UUID.randomUUID();
        String other = "tenant-b-" + UUID.randomUUID();
        send(FleetTopics.USAGE.name(), 1, mine, usage(mine, 1), Map.of());
        send(FleetTopics.USAGE.name(), 1, other, usage(other, 2), Map.of());
        send(FleetTopics.USAGE.name(), 1, mine, new byte[] {(byte) 0xC3, 1, 9, 9}, Map.of());
        send(FleetTopics.USAGE.name(), 1, mine, usage(mine, 3), Map.of());

        // when: only the first tenant's, from the beginning to the end
        List<JsonNode> all = tail(new TailOptions(FleetTopics.USAGE.name(), true, true, Optional.of(mine),
                Optional.empty()), null);
        // and: the same with --max 2
        List<JsonNode> two = tail(new TailOptions(FleetTopics.USAGE.name(), true, true, Optional.of(mine),
                Optional.of(2L)), null);

        // then
        assertThat(all).hasSize(3).allSatisfy(line -> assertThat(line.get("key").asText()).isEqualTo(mine));
        assertThat(all.get(0).at("/value/quantity").asLong()).isEqualTo(1);
        assertThat(all.get(1).has("value")).isFalse();
        assertThat(all.get(1).get("error").asText()).isNotBlank();
        assertThat(all.get(1).get("raw").asText()).isEqualTo("wwEJCQ==");
        assertThat(all.get(2).at("/value/quantity").asLong()).isEqualTo(3);
        assertThat(two).hasSize(2);
    }

    @Test
    void tailWithoutFromBeginningFollowsFromTheEnd() throws Exception {
        // given a record written before the tail starts
        String tenant = "follow-" + UUID.randomUUID();
        send(FleetTopics.USAGE.name(), 2, tenant, usage(tenant, 1), Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CountDownLatch positioned = new CountDownLatch(1);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (KafkaConsumer<byte[], byte[]> consumer = TopicTail.consumer(config())) {
            // when the tail, started at the end, sees one more record of the tenant
            Future<Long> printed = executor.submit(() -> TopicTail.run(consumer,
                    new TailOptions(FleetTopics.USAGE.name(), false, false, Optional.of(tenant), Optional.of(1L)),
                    JSON, new PrintStream(out, true, StandardCharsets.UTF_8), positioned::countDown));
            assertThat(positioned.await(30, TimeUnit.SECONDS)).isTrue();
            send(FleetTopics.USAGE.name(), 2, tenant, usage(tenant, 42), Map.of());

            // then it prints that record, not the earlier one, and stops (--max 1)
            assertThat(printed.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            executor.shutdownNow();
        }
        JsonNode line = MAPPER.readTree(out.toString(StandardCharsets.UTF_8).strip());
        assertThat(line.at("/value/quantity").asLong()).isEqualTo(42);
    }

    @Test
    void reindexShowsEachJobsLatestProgress() throws Exception {
        // given a job asked for, then running (the embedding-worker's progress under the same key)
        String jobId = "job-" + UUID.randomUUID();
        Instant now = Instant.now().plusSeconds(3600); // sorts first among the jobs of other tests
        ReindexJob requested = ReindexJob.newBuilder().setJobId(jobId).setTenantId("t-reindex").setCollection("docs")
                .setState(ReindexState.REQUESTED).setRequestedAt(now).setUpdatedAt(now).build();
        send(FleetTopics.REINDEX_JOBS.name(), 0, jobId, SERDE.serialize(FleetTopics.REINDEX_JOBS.name(), requested),
                Map.of());
        ReindexJob running = ReindexJob.newBuilder(requested).setState(ReindexState.RUNNING).setItemsDone(3)
                .setItemsTotal(8).setModel("all-minilm-l6-v2").setModelVersion("v2").build();
        send(FleetTopics.REINDEX_JOBS.name(), 0, jobId, SERDE.serialize(FleetTopics.REINDEX_JOBS.name(), running),
                Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // when: fleet-tool reindex (scripts/fleet status)
        int status = FleetTool.run(List.of("reindex"), new PrintStream(out, true, StandardCharsets.UTF_8), config());

        // then: one line for the job, with its latest state
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith(jobId)))
                .singleElement().asString().contains("running", "3/8", "all-minilm-l6-v2 v2");
    }

    @Test
    void theCommandLineListsTopicsAndPrintsATopicToItsCurrentEnd() throws Exception {
        // given a record on the chat replies
        String request = "command-line-" + UUID.randomUUID();
        send(FleetTopics.CHAT_REPLIES.name(), 3, request, SERDE.serialize(FleetTopics.CHAT_REPLIES.name(),
                ChatChunk.newBuilder().setRequestId(request).setSeq(0).setModel("m").setDelta("x").build()), Map.of());
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        ByteArrayOutputStream topic = new ByteArrayOutputStream();

        // when: fleet-tool topics list, and fleet-tool topic NAME (scripts/fleet topic)
        int listed = FleetTool.run(List.of("topics", "list"), new PrintStream(list, true, StandardCharsets.UTF_8),
                config());
        int dumped = FleetTool.run(List.of("topic", FleetTopics.CHAT_REPLIES.name()),
                new PrintStream(topic, true, StandardCharsets.UTF_8), config());

        // then: the table names the topic; the dump ends (at the current end) and holds the record
        assertThat(listed).isZero();
        assertThat(list.toString(StandardCharsets.UTF_8)).containsPattern("fleet\\.chat\\.replies\\.v1\\s+6\\s+delete\\s+1 h");
        assertThat(dumped).isZero();
        assertThat(topic.toString(StandardCharsets.UTF_8).lines().map(line -> {
            try {
                return MAPPER.readTree(line);
            } catch (Exception e) {
                throw new AssertionError(line, e);
            }
        }).filter(node -> request.equals(node.get("key").asText()))).singleElement()
                .satisfies(node -> assertThat(node.at("/value/delta").asText()).isEqualTo("x"));
    }

    private static List<JsonNode> tail(TailOptions options, String key) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (KafkaConsumer<byte[], byte[]> consumer = TopicTail.consumer(config())) {
            TopicTail.run(consumer, options, JSON, new PrintStream(out, true, StandardCharsets.UTF_8), () -> {
            });
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                JsonNode node = MAPPER.readTree(line);
                if (key == null || key.equals(node.get("key").asText())) {
                    lines.add(node);
                }
            }
        }
        return lines;
    }

    private static long send(String topic, int partition, String key, byte[] value, Map<String, String> headers)
            throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition,
                key.getBytes(StandardCharsets.UTF_8), value);
        headers.forEach((name, v) -> record.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
        return producer.send(record).get().offset();
    }

    private static byte[] usage(String tenant, long quantity) {
        SpecificRecord value = UsageRecorded.newBuilder().setTenantId(tenant).setMeter(Meter.values()[0])
                .setQuantity(quantity).setModel(null).setOccurredAt(Instant.ofEpochMilli(1_000)).build();
        return SERDE.serialize(FleetTopics.USAGE.name(), value);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Map<String, Object> config() {
        return Map.of("bootstrap.servers", SharedKafka.bootstrapServers());
    }
}
