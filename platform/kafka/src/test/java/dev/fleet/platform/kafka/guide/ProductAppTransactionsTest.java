package dev.fleet.platform.kafka.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicReader;

/** docs/risk.md's producer and consumer, run against the shared broker. */
class ProductAppTransactionsTest {

    private static final AvroSingleObjectSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void topics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            for (Topic<?> topic : List.of(FleetTopics.TRANSACTIONS, FleetTopics.RISK_DECISIONS)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic.name(), topic.partitions(), (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    @Test
    void publishesATransactionTheFleetCanReadWithItsHeaders() throws Exception {
        // given
        String tenantId = UUID.randomUUID().toString();
        TransactionSubmitted tx = transaction(tenantId);
        // when
        try (ProductAppTransactions app = new ProductAppTransactions(SharedKafka.bootstrapServers(), "checkout-app")) {
            app.publish(tx);
        }
        // then
        try (TopicReader<String, SpecificRecord> reader = TopicReader.decoded(FleetTopics.TRANSACTIONS.name(),
                SERDE.deserializer())) {
            ConsumerRecord<String, SpecificRecord> record = reader.awaitRecord(
                    r -> r.value() instanceof TransactionSubmitted t && t.getTenantId().equals(tenantId), WAIT);
            assertThat(record.key()).isEqualTo(tenantId + "/acct-1");
            assertThat(record.value()).isEqualTo(tx);
            assertThat(FleetHeaders.get(record.headers(), FleetHeaders.EVENT_ID))
                    .contains(EventContext.derivedId(tenantId + "/tx-1", "transaction-submitted"));
            assertThat(FleetHeaders.get(record.headers(), FleetHeaders.TENANT_ID)).contains(tenantId);
            assertThat(FleetHeaders.get(record.headers(), FleetHeaders.PRODUCED_BY)).contains("checkout-app");
            assertThat(FleetHeaders.get(record.headers(), FleetHeaders.TRACEPARENT).flatMap(TraceParent::parse))
                    .isPresent();
        }
    }

    @Test
    void readsTheDecisionsWithItsOwnGroup() throws Exception {
        // given a record nobody can decode, then a decision as the scorer publishes it, on the same partition
        String tenantId = UUID.randomUUID().toString();
        TransactionSubmitted tx = transaction(tenantId);
        publishPoison(tx);
        publishDecision(tx);
        // when
        List<RiskDecision> mine = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> decisions = ProductAppTransactions.decisions(
                SharedKafka.bootstrapServers(), "checkout-app-" + tenantId, FleetTopics.RISK_DECISIONS.name())) {
            await().atMost(WAIT).until(() -> {
                ProductAppTransactions.poll(decisions).forEach(r -> {
                    if (r.value() instanceof RiskDecision d && d.getTenantId().equals(tenantId)) {
                        mine.add(d);
                    }
                });
                return !mine.isEmpty();
            });
        }
        // then
        assertThat(mine).singleElement().satisfies(d -> {
            assertThat(d.getTransactionId()).isEqualTo("tx-1");
            assertThat(d.getVerdict()).isEqualTo(RiskVerdict.REVIEW);
        });
    }

    @Test
    void guideQuotesTheExampleUnchanged() throws Exception {
        // given
        String example = Files.readString(
                Path.of("src/test/java/dev/fleet/platform/kafka/guide/ProductAppTransactions.java"));
        String guide = Files.readString(Path.of("../../docs/risk.md"));
        Matcher parts = Pattern.compile("// --8<-- \\[start:(\\w+)]\n(.*?)    // --8<-- \\[end:\\1]", Pattern.DOTALL)
                .matcher(example);
        // when / then
        int quoted = 0;
        while (parts.find()) {
            assertThat(guide).as("docs/risk.md quotes the %s of ProductAppTransactions", parts.group(1))
                    .contains("```java\n" + parts.group(2) + "```");
            quoted++;
        }
        assertThat(quoted).isEqualTo(2);
    }

    private static TransactionSubmitted transaction(String tenantId) {
        return TransactionSubmitted.newBuilder().setTenantId(tenantId).setTransactionId("tx-1")
                .setAccountId("acct-1").setAmount(new Money("12.50", "EUR")).setMerchant("coffee-corner")
                .setMerchantCategory("5814").setCountry("DE").setDeviceId("device-7").setChannel("ecommerce")
                .setOccurredAt(Instant.parse("2026-12-01T10:15:30Z")).setMetadata(Map.of("order", "o-42")).build();
    }

    private static void publishPoison(TransactionSubmitted tx) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(FleetTopics.RISK_DECISIONS.name(),
                    tx.getTenantId() + "/" + tx.getAccountId(), "not avro")).get();
        }
    }

    private static void publishDecision(TransactionSubmitted tx) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                SERDE.serializer())) {
            producer.send(new ProducerRecord<>(FleetTopics.RISK_DECISIONS.name(),
                    tx.getTenantId() + "/" + tx.getAccountId(), RiskDecision.newBuilder()
                    .setTenantId(tx.getTenantId()).setTransactionId(tx.getTransactionId())
                    .setAccountId(tx.getAccountId()).setAmount(tx.getAmount()).setVerdict(RiskVerdict.REVIEW)
                    .setScore(40).setReasons(List.of()).setFeatures(RiskFeatures.newBuilder().setCount1m(1)
                            .setSum1m(12.5).setCount1h(1).setSum1h(12.5).setCount24h(1).setSum24h(12.5)
                            .setDistinctDevices24h(1).setDistinctCountries24h(1).setAmountZScore(0)
                            .setHistoryCount(0).setFirstTimeAtMerchant(true).setSecondsSincePrevious(-1)
                            .setCountryChanged(false).setImpossibleTravel(false).build())
                    .setRuleSetVersion(0).setOccurredAt(tx.getOccurredAt()).setDecidedAt(Instant.now()).build()))
                    .get();
        }
    }
}
