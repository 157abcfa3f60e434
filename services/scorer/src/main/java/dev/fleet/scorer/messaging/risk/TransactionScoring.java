package dev.fleet.scorer.messaging.risk;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskRuleSet;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.kafka.DeadLetters;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.streams.OutputHeaders;
import dev.fleet.platform.risk.AccountFeatures;
import dev.fleet.platform.risk.AccountState;
import dev.fleet.platform.risk.RiskFeatureSettings;
import dev.fleet.platform.risk.TransactionChecks;
import dev.fleet.platform.risk.TransactionProblem;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.scorer.domain.risk.TransactionDecider;

/**
 * Scores one transaction record: decodes it, checks it ({@link TransactionChecks}) and its key
 * ({@code tenantId/accountId}, so that an account's state lives in one task), drops a transaction id
 * its account's state still remembers (a re-published transaction gets no second decision), computes
 * its features from the account's state ({@link AccountFeatures}), stores the new state and forwards
 * the decisions. A record that fails any check goes, bytes and headers unchanged, to the dead-letter
 * sink with the platform's error headers ({@link DeadLetters#addErrorHeaders}).
 *
 * <p>Outputs carry the fleet's headers with an {@code event-id} derived from tenant and transaction id
 * (a replay yields the same id), and continue the transaction's trace.
 */
final class TransactionScoring implements Processor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(TransactionScoring.class);

    private final FleetSerde serde;
    private final RiskFeatureSettings settings;
    private final TransactionDecider decider;
    private final String producedBy;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, AccountState> accounts;
    private KeyValueStore<String, RiskRuleSet> ruleSets;

    TransactionScoring(FleetSerde serde, RiskFeatureSettings settings, TransactionDecider decider,
            String producedBy) {
        this.serde = serde;
        this.settings = settings;
        this.decider = decider;
        this.producedBy = producedBy;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.accounts = context.getStateStore(RiskTopology.ACCOUNTS_STORE);
        this.ruleSets = context.getStateStore(RiskTopology.RULE_SETS_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        TransactionSubmitted tx;
        try {
            tx = decode(record);
            check(tx, record.key());
        } catch (SerializationException | UnscorableTransactionException e) {
            deadLetter(record, e);
            return;
        }
        String key = RiskTopology.accountKey(tx);
        AccountState state = accounts.get(key);
        if (state == null) {
            state = AccountState.EMPTY;
        } else if (state.remembers(tx.getTransactionId())) {
            log.debug("transaction {} of {} was already decided; dropping the duplicate", tx.getTransactionId(), key);
            return;
        }
        AccountFeatures.Step step = AccountFeatures.next(state, tx, settings);
        TransactionDecider.Decisions decisions = decider.decide(tx, step.features(), ruleSets.get(tx.getTenantId()),
                Instant.ofEpochMilli(context.currentSystemTimeMs()));
        accounts.put(key, step.state());
        forward(record, key, decisions.enforced(), "risk-decision", RiskTopology.DECISIONS_SINK);
        decisions.shadow().ifPresent(shadow -> forward(record, key, shadow,
                "risk-shadow-decision/" + shadow.getRuleSetVersion(), RiskTopology.SHADOW_DECISIONS_SINK));
    }

    private TransactionSubmitted decode(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            throw new SerializationException("a record of " + FleetTopics.TRANSACTIONS.name()
                    + " without a value is not a transaction");
        }
        return serde.deserialize(FleetTopics.TRANSACTIONS, record.value());
    }

    private static void check(TransactionSubmitted tx, byte[] recordKey) {
        List<TransactionProblem> problems = TransactionChecks.problems(tx);
        if (!problems.isEmpty()) {
            throw new UnscorableTransactionException("transaction " + tx.getTransactionId() + " cannot be scored: "
                    + problems.stream().map(TransactionProblem::toString).collect(Collectors.joining("; ")));
        }
        String key = RiskTopology.accountKey(tx);
        String actual = recordKey == null ? null : new String(recordKey, StandardCharsets.UTF_8);
        if (!key.equals(actual)) {
            throw new UnscorableTransactionException("transaction " + tx.getTransactionId()
                    + " must be keyed tenantId/accountId, '" + key + "', not "
                    + (actual == null ? "without a key" : "'" + actual + "'"));
        }
    }

    private void forward(Record<byte[], byte[]> cause, String key, RiskDecision decision, String purpose,
            String sink) {
        Headers headers = OutputHeaders.of(purpose + "/" + decision.getTenantId() + "/" + decision.getTransactionId(),
                decision.getTenantId(), cause.headers(), producedBy);
        context.forward(new Record<Object, Object>(key, decision, cause.timestamp(), headers), sink);
    }

    private void deadLetter(Record<byte[], byte[]> record, Exception cause) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        Headers headers = new RecordHeaders(record.headers().toArray());
        DeadLetters.addErrorHeaders(headers, source.topic(), source.partition(), source.offset(), cause);
        log.warn("dead-lettering {}-{}@{} to {}: {}", source.topic(), source.partition(), source.offset(),
                FleetTopics.TRANSACTIONS.dlq(), FleetHeaders.rootCause(cause));
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers),
                RiskTopology.DEAD_LETTERS_SINK);
    }
}
