package dev.fleet.metering.messaging;

import java.time.Duration;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.QuotaStatus;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.events.v1.UsageRollup;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;

/**
 * Usage metering as a pure topology: {@code fleet.usage.v1} ({@link UsageRecorded}, event time
 * {@code occurredAt}) summed per tenant, meter, model and minute / hour / day / month window into the
 * key-value store {@link #STORE}, the totals changed written to {@code fleet.usage.rollups.v1} every
 * {@code rollupInterval}; tenants'
 * monthly token quotas from {@code fleet.tenants.v1} and the usage give each tenant's
 * {@link QuotaStatus} on {@code fleet.quota.status.v1} and quota domain events on
 * {@code fleet.domain.events.v1} ({@link MeteringProcessor}, {@link QuotaTracker}); the day totals and
 * the price book ({@code fleet.price-book.v1}) give each tenant's invoice lines per month on
 * {@code fleet.billing.lines.v1} ({@link BillingProcessor}).
 *
 * <p>Every tenant's usage and tenant record meet in one task: usage keyed by its tenant (the
 * catalog's key) is processed where it is read, usage keyed otherwise is first re-keyed through the
 * internal topic {@code usage-by-tenant}, and tenants are re-partitioned like usage through
 * {@code tenants-by-tenant}. A record whose {@code event-id} was already counted (within
 * {@link #DEDUPE_WINDOW}) is dropped first; a negative quantity is rejected (the validation step
 * throws {@link IllegalArgumentException}, which the processing exception handler skips).
 *
 * <p>Limit: records on {@code fleet.usage.v1} must be partitioned by the default partitioner of
 * their key (as {@code FleetPublisher} does), or a tenant's usage splits across tasks.
 */
public final class UsageTopology {

    /** The key-value store of rollup totals, key {@link RollupKey}, for interactive queries. */
    public static final String STORE = "usage-rollups";

    /** Totals changed since rollups were last emitted, key {@link RollupKey}. */
    static final String PENDING_STORE = "usage-rollups-pending";

    /** The default of how often changed totals are written as rollups. */
    public static final Duration ROLLUP_INTERVAL = Duration.ofSeconds(1);

    /** The store of recently seen {@code event-id}s, for deduplication. */
    public static final String SEEN_EVENTS_STORE = "usage-seen-event-ids";

    /** Tokens used per tenant and UTC month, key {@code tenantId/yyyy-MM}. */
    static final String QUOTA_USED_STORE = "quota-used-tokens";

    /** Each tenant's monthly token quota, from {@code fleet.tenants.v1}; absent: none. */
    static final String TENANT_QUOTAS_STORE = "tenant-monthly-tokens";

    /** The quota status last written per tenant. */
    static final String QUOTA_STATUS_STORE = "quota-status";

    /** The price book versions, a global store (every task sees every version), key zero-padded version. */
    public static final String PRICE_BOOK_STORE = "price-book";

    /** Each tenant's months billed by this task and their state, key {@code tenantId/yyyy-MM}. */
    static final String BILLING_MONTHS_STORE = "billing-months";

    /** The price book versions the last billing saw, to re-price open months when they change. */
    static final String BILLING_BOOKS_SEEN_STORE = "billing-price-books-seen";

    /** How far apart in stream time a duplicate of a usage record may arrive and still be recognised. */
    public static final Duration DEDUPE_WINDOW = Duration.ofHours(1);

    private UsageTopology() {
    }

    /**
     * The topology on its own (tests, tools).
     *
     * @param retention      how long windows stay open after they ended
     * @param rollupInterval how often the totals changed are written as rollups (wall-clock time)
     * @param producedBy the service running the topology, stamped into each output's {@code produced-by}
     */
    public static Topology buildTopology(FleetSerde serde, RollupRetention retention, Duration rollupInterval,
            String producedBy) {
        return buildTopology(serde, retention, rollupInterval, BillingSchedule.DEFAULT, producedBy);
    }

    /** The topology with its invoice lines written on {@code billing}'s schedule. */
    public static Topology buildTopology(FleetSerde serde, RollupRetention retention, Duration rollupInterval,
            BillingSchedule billing, String producedBy) {
        StreamsBuilder builder = new StreamsBuilder();
        define(builder, serde, retention, rollupInterval, billing, producedBy);
        return builder.build();
    }

    /**
     * Adds the topology to {@code builder}, which may be Spring's (see {@link #buildTopology}). Invoice
     * lines ({@link BillingProcessor}) are priced from the day totals of {@link #STORE} with the books of
     * the global {@link #PRICE_BOOK_STORE}, fed by {@code fleet.price-book.v1}.
     */
    public static void define(StreamsBuilder builder, FleetSerde serde, RollupRetention retention,
            Duration rollupInterval, BillingSchedule billing, String producedBy) {
        define(builder, serde, retention, rollupInterval, billing, producedBy, FleetTopics.USAGE.partitions());
    }

    /**
     * As above, for a {@code fleet.usage.v1} with {@code usagePartitions} partitions (the deployment's,
     * {@code fleet.kafka.partitions}): the repartition topics that meet it in the metering step must
     * have as many, or a tenant's usage and its tenant record would land in different tasks.
     */
    public static void define(StreamsBuilder builder, FleetSerde serde, RollupRetention retention,
            Duration rollupInterval, BillingSchedule billing, String producedBy, int usagePartitions) {
        if (producedBy == null || producedBy.isBlank()) {
            throw new IllegalArgumentException("producedBy must name the producing service");
        }
        Serde<UsageRecorded> usageSerde = serde.serde(FleetTopics.USAGE);
        Serde<Tenant> tenantSerde = serde.serde(FleetTopics.TENANTS);
        addStores(builder, serde);

        KStream<String, UsageRecorded> usage = builder.stream(FleetTopics.USAGE.name(),
                        Consumed.with(Serdes.String(), usageSerde)
                                .withTimestampExtractor(new OccurredAtTimestampExtractor())
                                .withName("usage"))
                .filter((key, value) -> value != null, Named.as("drop-tombstones"))
                .mapValues(UsageTopology::requireValid, Named.as("validate-usage"));
        var byKey = usage.split(Named.as("usage-"))
                .branch((key, value) -> value.getTenantId().equals(key), Branched.as("keyed-by-tenant"))
                .defaultBranch(Branched.as("keyed-otherwise"));
        KStream<String, UsageRecorded> rekeyed = byKey.get("usage-keyed-otherwise")
                .selectKey((key, value) -> value.getTenantId(), Named.as("key-by-tenant"))
                .repartition(Repartitioned.<String, UsageRecorded>as("usage-by-tenant")
                        .withKeySerde(Serdes.String()).withValueSerde(usageSerde)
                        .withNumberOfPartitions(usagePartitions));
        KStream<String, SpecificRecord> countedOnce = byKey.get("usage-keyed-by-tenant")
                .merge(rekeyed, Named.as("usage-by-tenant-merged"))
                .processValues(() -> new DeduplicateByEventId<String, UsageRecorded>(SEEN_EVENTS_STORE,
                        DEDUPE_WINDOW), Named.as("dedupe-event-id"), SEEN_EVENTS_STORE)
                .mapValues(value -> (SpecificRecord) value, Named.as("usage-as-input"));

        KStream<String, SpecificRecord> tenants = builder.stream(FleetTopics.TENANTS.name(),
                        Consumed.with(Serdes.String(), tenantSerde).withName("tenants"))
                .filter((key, value) -> value != null, Named.as("drop-tenant-tombstones"))
                .selectKey((key, value) -> value.getId(), Named.as("key-tenant-by-id"))
                .repartition(Repartitioned.<String, Tenant>as("tenants-by-tenant")
                        .withKeySerde(Serdes.String()).withValueSerde(tenantSerde)
                        .withNumberOfPartitions(usagePartitions))
                .mapValues(value -> (SpecificRecord) value, Named.as("tenant-as-input"));

        var outputs = countedOnce.merge(tenants, Named.as("metering-input"))
                .process(() -> new MeteringProcessor(retention, rollupInterval, producedBy), Named.as("meter"),
                        STORE, PENDING_STORE, QUOTA_USED_STORE, TENANT_QUOTAS_STORE, QUOTA_STATUS_STORE)
                .split(Named.as("out-"));
        outputs.branch((key, value) -> value instanceof UsageRollup, Branched.withConsumer(out -> {
            KStream<String, UsageRollup> rollups = out.mapValues(value -> (UsageRollup) value, Named.as("as-rollup"));
            rollups.to(FleetTopics.USAGE_ROLLUPS.name(), Produced.with(Serdes.String(),
                    serde.serde(FleetTopics.USAGE_ROLLUPS)).withName("rollups"));
            rollups.process(() -> new BillingProcessor(billing, producedBy), Named.as("bill"), STORE,
                            BILLING_MONTHS_STORE, BILLING_BOOKS_SEEN_STORE)
                    .to(FleetTopics.BILLING_LINES.name(), Produced.with(Serdes.String(),
                            serde.serde(FleetTopics.BILLING_LINES)).withName("invoice-lines"));
        }));
        outputs.branch((key, value) -> value instanceof QuotaStatus, Branched.withConsumer(statuses -> statuses
                .mapValues(value -> (QuotaStatus) value, Named.as("as-quota-status"))
                .to(FleetTopics.QUOTA_STATUS.name(), Produced.with(Serdes.String(),
                        serde.serde(FleetTopics.QUOTA_STATUS)).withName("quota-statuses"))));
        outputs.branch((key, value) -> value instanceof DomainEvent, Branched.withConsumer(events -> events
                .mapValues(value -> (DomainEvent) value, Named.as("as-domain-event"))
                .to(FleetTopics.DOMAIN_EVENTS.name(), Produced.with(Serdes.String(),
                        serde.serde(FleetTopics.DOMAIN_EVENTS)).withName("domain-events"))));
        outputs.noDefaultBranch();
    }

    private static void addStores(StreamsBuilder builder, FleetSerde serde) {
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRICE_BOOK_STORE),
                        Serdes.String(), serde.serde(FleetTopics.PRICE_BOOK)).withLoggingDisabled(),
                FleetTopics.PRICE_BOOK.name(), Consumed.with(Serdes.String(), serde.serde(FleetTopics.PRICE_BOOK))
                        .withName("price-book"), PriceBookStoreUpdater::new);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BILLING_MONTHS_STORE),
                Serdes.String(), Serdes.String()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BILLING_BOOKS_SEEN_STORE),
                Serdes.String(), Serdes.String()).withCachingEnabled());
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(SEEN_EVENTS_STORE, DEDUPE_WINDOW.multipliedBy(2),
                        DEDUPE_WINDOW.multipliedBy(2), false),
                Serdes.String(), Serdes.Long())); // no record cache: each id is written once and looked up only
                                                  // when duplicated, so a cache would only churn (decision 0031)
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUOTA_USED_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TENANT_QUOTAS_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUOTA_STATUS_STORE),
                Serdes.String(), serde.serde(FleetTopics.QUOTA_STATUS)).withCachingEnabled());
    }

    /** Usage is never negative: a negative quantity would silently lower a tenant's bill. */
    private static UsageRecorded requireValid(UsageRecorded usage) {
        if (usage.getQuantity() < 0) {
            throw new IllegalArgumentException("usage quantity must not be negative, was " + usage.getQuantity()
                    + " (tenant " + usage.getTenantId() + ", meter " + usage.getMeter() + ")");
        }
        return usage;
    }
}
