package dev.fleet.gateway.messaging.ratelimit;

import java.time.Instant;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import dev.fleet.events.v1.RateLimitClaim;
import dev.fleet.events.v1.RateLimitGrant;
import dev.fleet.gateway.domain.ratelimit.BudgetWindow;
import dev.fleet.gateway.domain.ratelimit.Limits;
import dev.fleet.platform.kafka.streams.OutputHeaders;
import dev.fleet.schemas.FleetTopics;

/**
 * The owner side of the rate limits: claims ({@code fleet.ratelimit.claims.v1}, keyed by budget)
 * are decided one at a time per budget by {@link BudgetWindow#decide} against the budget store, and
 * each answered with a grant on {@code fleet.ratelimit.grants.v1}, keyed by claim id.
 * <p>
 * Run with exactly-once: the store update, the grant and the claim's offset commit together, and a
 * replica that lost its partitions is fenced, so no capacity is granted twice, even across a
 * crash or a rebalance (the new owner restores the store from its changelog before deciding). Time
 * is the owner's wall clock ({@code currentSystemTimeMs}), windows are whole UTC minutes.
 */
public final class RateLimitTopology {

    /** The budget store: budget id → its current window. */
    public static final String STORE = "ratelimit-budgets";

    private RateLimitTopology() {
    }

    /** The topology on its own (tests, tools). */
    public static Topology buildTopology(Serde<RateLimitClaim> claimSerde, Serde<RateLimitGrant> grantSerde,
            String producedBy) {
        StreamsBuilder builder = new StreamsBuilder();
        define(builder, claimSerde, grantSerde, producedBy);
        return builder.build();
    }

    /** Adds the topology to {@code builder}, which may be Spring's. */
    public static void define(StreamsBuilder builder, Serde<RateLimitClaim> claimSerde,
            Serde<RateLimitGrant> grantSerde, String producedBy) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                BudgetWindowSerde.serde()).withCachingDisabled());
        builder.stream(FleetTopics.RATE_LIMIT_CLAIMS.name(), Consumed.with(Serdes.String(), claimSerde)
                        .withName("claims"))
                .process(() -> new BudgetOwner(producedBy), Named.as("decide-claims"), STORE)
                .to(FleetTopics.RATE_LIMIT_GRANTS.name(), Produced.with(Serdes.String(), grantSerde)
                        .withStreamPartitioner(RateLimitTopology::replyPartition)
                        .withName("grants"));
    }

    /** A grant goes to the partition its claimant reads (its claim's replyPartition), else by key. */
    @SuppressWarnings("deprecation") // StreamPartitioner#partition is the one abstract method in 3.9
    private static Integer replyPartition(String topic, String claimId, RateLimitGrant grant, int partitions) {
        Integer partition = grant.getReplyPartition();
        return partition != null && partition >= 0 && partition < partitions ? partition : null;
    }

    /** Decides each claim against its budget's window and forwards the grant. */
    static final class BudgetOwner implements Processor<String, RateLimitClaim, String, RateLimitGrant> {

        private final String producedBy;
        private ProcessorContext<String, RateLimitGrant> context;
        private KeyValueStore<String, BudgetWindow> store;

        BudgetOwner(String producedBy) {
            this.producedBy = producedBy;
        }

        @Override
        public void init(ProcessorContext<String, RateLimitGrant> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, RateLimitClaim> record) {
            RateLimitClaim claim = record.value();
            if (claim == null) {
                return;
            }
            if (record.key() == null || !record.key().equals(claim.getBudget())) {
                throw new IllegalArgumentException("claim " + claim.getClaimId() + " is keyed " + record.key()
                        + ", not by its budget " + claim.getBudget());
            }
            long now = context.currentSystemTimeMs();
            Limits claimed = new Limits(claim.getRequestsPerMinute(), claim.getTokensPerMinute(),
                    claim.getLimitsVersion());
            BudgetWindow.Decision decision = BudgetWindow.decide(store.get(claim.getBudget()), now,
                    claim.getRequests(), claim.getTokens(), claim.getTokensUsedBeyondGrants(), claimed);
            store.put(claim.getBudget(), decision.next());
            Limits applied = decision.next().limits();
            RateLimitGrant grant = RateLimitGrant.newBuilder()
                    .setClaimId(claim.getClaimId())
                    .setBudget(claim.getBudget())
                    .setRequests(decision.requests())
                    .setTokens(decision.tokens())
                    .setRemainingRequests(decision.remainingRequests())
                    .setRemainingTokens(decision.remainingTokens())
                    .setRequestsPerMinute(applied.requestsPerMinute())
                    .setTokensPerMinute(applied.tokensPerMinute())
                    .setGrantedAt(Instant.ofEpochMilli(now))
                    .setWindowEnd(Instant.ofEpochMilli(decision.windowEnd()))
                    .setReplyPartition(claim.getReplyPartition())
                    .build();
            Headers headers = OutputHeaders.of("grant:" + claim.getClaimId(), claim.getTenantId(), record.headers(),
                    producedBy);
            context.forward(new Record<>(claim.getClaimId(), grant, now, headers));
        }
    }
}
