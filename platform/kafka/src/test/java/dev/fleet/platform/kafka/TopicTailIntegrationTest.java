package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.SharedKafka;

class TopicTailIntegrationTest {

    private static final AvroSingleObjectSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String tenant = UUID.randomUUID().toString();
    private final List<RiskDecision> seen = new CopyOnWriteArrayList<>();
    private TopicTail<RiskDecision> tail;

    @BeforeAll
    static void topic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(FleetTopics.RISK_DECISIONS.name(),
                    FleetTopics.RISK_DECISIONS.partitions(), (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @AfterEach
    void stop() {
        tail.stop();
    }

    @Test
    void handsOnOnlyRecordsPublishedAfterStartWhoseKeyIsWantedAndSkipsUnreadableOnes() {
        // given a record published before the tail starts
        send(tenant + "/wanted", SERDE.serializer().serialize(FleetTopics.RISK_DECISIONS.name(), decision("before")));
        tail = new TopicTail<>(FleetTopics.RISK_DECISIONS, Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()), SERDE, key -> key.equals(tenant + "/wanted"),
                record -> seen.add(record.value()));
        tail.start();
        // when unreadable records of a key nobody wants and of the wanted key, then decisions, follow
        send(tenant + "/other", bytes("not avro"));
        send(tenant + "/wanted", bytes("not avro either"));
        send(tenant + "/other", SERDE.serializer().serialize(FleetTopics.RISK_DECISIONS.name(), decision("other")));
        send(tenant + "/wanted", SERDE.serializer().serialize(FleetTopics.RISK_DECISIONS.name(), decision("after")));
        // then only the wanted decision published after start arrives, and only the wanted poison is counted
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).extracting(RiskDecision::getTransactionId).containsExactly("after");
        assertThat(tail.unreadable()).isEqualTo(1);
        assertThat(tail.isRunning()).isTrue();
    }

    private RiskDecision decision(String transactionId) {
        return RiskDecision.newBuilder().setTenantId(tenant).setTransactionId(transactionId).setAccountId("acct")
                .setAmount(new Money("1", "EUR")).setVerdict(RiskVerdict.APPROVE).setScore(0).setReasons(List.of())
                .setFeatures(RiskFeatures.newBuilder().setCount1m(1).setSum1m(1).setCount1h(1).setSum1h(1)
                        .setCount24h(1).setSum24h(1).setDistinctDevices24h(1).setDistinctCountries24h(1)
                        .setAmountZScore(0).setHistoryCount(0).setFirstTimeAtMerchant(true)
                        .setSecondsSincePrevious(-1).setCountryChanged(false).setImpossibleTravel(false).build())
                .setRuleSetVersion(0).setOccurredAt(Instant.EPOCH).setDecidedAt(Instant.EPOCH).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(String key, byte[] value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(FleetTopics.RISK_DECISIONS.name(), bytes(key), value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
