package dev.fleet.scorer.messaging.risk;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.fleet.events.v1.RiskRuleSet;

/** Keeps {@link RiskTopology#RULE_SETS_STORE} equal to the compacted topic: a tenant's latest rule set, none after a tombstone. */
final class RuleSetStoreUpdater implements Processor<String, RiskRuleSet, Void, Void> {

    private KeyValueStore<String, RiskRuleSet> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(RiskTopology.RULE_SETS_STORE);
    }

    @Override
    public void process(Record<String, RiskRuleSet> record) {
        String tenant = record.key() != null ? record.key()
                : record.value() == null ? null : record.value().getTenantId();
        if (tenant == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(tenant);
        } else {
            store.put(tenant, record.value());
        }
    }
}
