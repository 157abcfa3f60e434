package dev.fleet.scorer.messaging.risk;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

import dev.fleet.events.v1.RiskRuleSet;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.risk.AccountState;
import dev.fleet.platform.risk.AccountStateCodec;
import dev.fleet.platform.risk.RiskFeatureSettings;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.scorer.domain.risk.CompiledRuleSets;
import dev.fleet.scorer.domain.risk.TransactionDecider;

/**
 * Real-time risk scoring as a pure topology: {@code fleet.transactions.v1} (key {@code tenantId/accountId})
 * → {@link TransactionScoring} (decode, {@code TransactionChecks}, the account's state in
 * {@link #ACCOUNTS_STORE}, its features, the tenant's rules from the global {@link #RULE_SETS_STORE} fed by
 * the compacted {@code fleet.risk.rule-sets.v1}) → one {@code RiskDecision} per transaction on
 * {@code fleet.risk.decisions.v1}, a shadow version's on {@code fleet.risk.shadow-decisions.v1}, and a
 * transaction that cannot be scored on {@code fleet.transactions.v1.dlq} — all three in the same
 * exactly-once transaction as the state (decision 0035).
 *
 * <p>Transactions are read as bytes and decoded by the scoring step itself, so a record that does not
 * decode is dead-lettered like one that fails the checks, inside the transaction, and testably.
 */
public final class RiskTopology {

    /** Each account's {@link AccountState}, key {@code tenantId/accountId}; changelogged. */
    public static final String ACCOUNTS_STORE = "risk-accounts";

    /** Each tenant's {@link RiskRuleSet}, key tenantId; a global store (every task sees every tenant). */
    public static final String RULE_SETS_STORE = "risk-rule-sets";

    static final String SOURCE = "transactions";
    static final String SCORE = "score-transactions";
    static final String DECISIONS_SINK = "risk-decisions";
    static final String SHADOW_DECISIONS_SINK = "risk-shadow-decisions";
    static final String DEAD_LETTERS_SINK = "transactions-dlq";

    private RiskTopology() {
    }

    /**
     * The topology on its own (tests, tools).
     *
     * @param producedBy the service running it, stamped into each output's {@code produced-by}
     */
    public static Topology build(FleetSerde serde, RiskFeatureSettings settings, String producedBy) {
        return build(serde, settings, producedBy, Stores.persistentKeyValueStore(ACCOUNTS_STORE));
    }

    /**
     * The topology with the account states in {@code accounts} (named {@link #ACCOUNTS_STORE}): a test
     * that pipes thousands of records may pass an in-memory store, as {@code TopologyTestDriver} commits,
     * and so flushes RocksDB to disk, after every record.
     */
    public static Topology build(FleetSerde serde, RiskFeatureSettings settings, String producedBy,
            KeyValueBytesStoreSupplier accounts) {
        Topology topology = new Topology();
        define(topology, serde, settings, producedBy, accounts);
        return topology;
    }

    /** Adds the risk scoring to {@code topology}, which may be Spring's (see {@link #build}); account states in RocksDB. */
    public static void define(Topology topology, FleetSerde serde, RiskFeatureSettings settings, String producedBy) {
        define(topology, serde, settings, producedBy, Stores.persistentKeyValueStore(ACCOUNTS_STORE));
    }

    private static void define(Topology topology, FleetSerde serde, RiskFeatureSettings settings, String producedBy,
            KeyValueBytesStoreSupplier accounts) {
        if (!ACCOUNTS_STORE.equals(accounts.name())) {
            throw new IllegalArgumentException("the account store must be named " + ACCOUNTS_STORE);
        }
        if (producedBy == null || producedBy.isBlank()) {
            throw new IllegalArgumentException("producedBy must name the producing service");
        }
        TransactionDecider decider = new TransactionDecider(new CompiledRuleSets());
        Serde<RiskRuleSet> ruleSets = serde.serde(FleetTopics.RISK_RULE_SETS);
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RULE_SETS_STORE),
                        Serdes.String(), ruleSets).withLoggingDisabled(),
                "rule-sets", new StringDeserializer(), ruleSets.deserializer(), FleetTopics.RISK_RULE_SETS.name(),
                "rule-sets-updater", RuleSetStoreUpdater::new);
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                FleetTopics.TRANSACTIONS.name());
        topology.addProcessor(SCORE, () -> new TransactionScoring(serde, settings, decider, producedBy), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(accounts,
                Serdes.String(), accountStateSerde()), SCORE);
        topology.addSink(DECISIONS_SINK, FleetTopics.RISK_DECISIONS.name(), new StringSerializer(),
                serde.serde(FleetTopics.RISK_DECISIONS).serializer(), SCORE);
        topology.addSink(SHADOW_DECISIONS_SINK, FleetTopics.RISK_SHADOW_DECISIONS.name(), new StringSerializer(),
                serde.serde(FleetTopics.RISK_SHADOW_DECISIONS).serializer(), SCORE);
        topology.addSink(DEAD_LETTERS_SINK, FleetTopics.TRANSACTIONS.dlq(), new ByteArraySerializer(),
                new ByteArraySerializer(), SCORE);
    }

    /** The key of an account's transactions, decisions and state. */
    public static String accountKey(TransactionSubmitted tx) {
        return tx.getTenantId() + "/" + tx.getAccountId();
    }

    /** {@link AccountState} in the store and its changelog ({@link AccountStateCodec}). */
    static Serde<AccountState> accountStateSerde() {
        return Serdes.serdeFrom((topic, state) -> state == null ? null : AccountStateCodec.encode(state),
                (topic, bytes) -> bytes == null ? null : AccountStateCodec.decode(bytes));
    }
}
