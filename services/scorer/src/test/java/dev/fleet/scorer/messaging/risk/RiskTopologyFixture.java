package dev.fleet.scorer.messaging.risk;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskRuleSet;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.streams.SkipUnprocessableRecords;
import dev.fleet.platform.risk.RiskFeatureSettings;
import dev.fleet.schemas.FleetTopics;

/** A {@link TopologyTestDriver} around {@link RiskTopology} with its input and output topics. */
final class RiskTopologyFixture implements AutoCloseable {

    static final String SERVICE = "scorer-under-test";
    static final String APPLICATION_ID = "risk-topology-test";

    final FleetSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    final TopologyTestDriver driver;
    final TestInputTopic<String, TransactionSubmitted> transactions;
    final TestInputTopic<String, byte[]> rawTransactions;
    final TestInputTopic<String, RiskRuleSet> ruleSets;
    final TestOutputTopic<String, RiskDecision> decisions;
    final TestOutputTopic<String, RiskDecision> shadowDecisions;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    RiskTopologyFixture(Path stateDir, RiskFeatureSettings settings, Instant wallClock) {
        this(stateDir, settings, wallClock, Stores.persistentKeyValueStore(RiskTopology.ACCOUNTS_STORE));
    }

    RiskTopologyFixture(Path stateDir, RiskFeatureSettings settings, Instant wallClock,
            KeyValueBytesStoreSupplier accounts) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnprocessableRecords.class);
        driver = new TopologyTestDriver(RiskTopology.build(serde, settings, SERVICE, accounts), config, wallClock);
        transactions = driver.createInputTopic(FleetTopics.TRANSACTIONS.name(), Serdes.String().serializer(),
                serde.serde(FleetTopics.TRANSACTIONS).serializer());
        rawTransactions = driver.createInputTopic(FleetTopics.TRANSACTIONS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        ruleSets = driver.createInputTopic(FleetTopics.RISK_RULE_SETS.name(), Serdes.String().serializer(),
                serde.serde(FleetTopics.RISK_RULE_SETS).serializer());
        decisions = driver.createOutputTopic(FleetTopics.RISK_DECISIONS.name(), Serdes.String().deserializer(),
                serde.serde(FleetTopics.RISK_DECISIONS).deserializer());
        shadowDecisions = driver.createOutputTopic(FleetTopics.RISK_SHADOW_DECISIONS.name(),
                Serdes.String().deserializer(), serde.serde(FleetTopics.RISK_SHADOW_DECISIONS).deserializer());
        deadLetters = driver.createOutputTopic(FleetTopics.TRANSACTIONS.dlq(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    static TransactionSubmitted tx(String tenant, String account, String id, String amount, Instant at,
            String country, String device, String merchant) {
        return new TransactionSubmitted(tenant, id, account, new Money(amount, "EUR"), merchant, "5411", country,
                device, "card_present", at, Map.of());
    }

    /** Publishes {@code tx} under its account's key with the headers a product app's producer sets. */
    void publish(TransactionSubmitted tx, Headers headers) {
        transactions.pipeInput(new TestRecord<>(RiskTopology.accountKey(tx), tx, headers, tx.getOccurredAt()));
    }

    void publish(TransactionSubmitted tx) {
        publish(tx, new RecordHeaders());
    }

    @Override
    public void close() {
        driver.close();
    }
}
