package dev.fleet.orchestrator.messaging;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.stereotype.Component;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyIssued;
import dev.fleet.events.v1.ApiKeyRevoked;
import dev.fleet.events.v1.ConsoleSignInRefused;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.KeyLimits;
import dev.fleet.events.v1.ModelAlias;
import dev.fleet.events.v1.ModelAliasChanged;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.PriceBook;
import dev.fleet.events.v1.PriceBookPublished;
import dev.fleet.events.v1.PromptLabelMoved;
import dev.fleet.events.v1.PromptVersionCreated;
import dev.fleet.events.v1.QuotaWebhookChanged;
import dev.fleet.events.v1.ResponseDeleted;
import dev.fleet.events.v1.TenantCreated;
import dev.fleet.events.v1.TenantLimitsChanged;
import dev.fleet.events.v1.TenantPlanChanged;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.events.v1.TenantStatusChanged;
import dev.fleet.orchestrator.domain.ControlPlaneEvents;
import dev.fleet.orchestrator.domain.DomainEvents;
import dev.fleet.orchestrator.domain.Tenant;
import dev.fleet.orchestrator.domain.TenantKey;
import dev.fleet.orchestrator.domain.TenantPlan;
import dev.fleet.orchestrator.domain.prompts.PromptConfig;
import dev.fleet.orchestrator.domain.prompts.PromptRegistry;
import dev.fleet.orchestrator.domain.responses.ResponseDeletions;
import dev.fleet.orchestrator.persistence.OutboxRepository;
import dev.fleet.orchestrator.persistence.OutboxRow;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

import reactor.core.publisher.Mono;

/**
 * Announces control-plane changes through the outbox: for each change, the entity's new state for
 * its compacted topic (keyed by entity id) and a {@link DomainEvent} (keyed by tenant id), encoded
 * with the fleet serde exactly as they will be published. All rows of one change share a trace.
 * Also records deleted stored responses ({@link ResponseDeletions}), a domain event only.
 */
@Component
public class OutboxEventWriter implements ControlPlaneEvents, ResponseDeletions {

    /** The tenant id of platform-wide changes (model aliases, the price book), which belong to no tenant: the nil UUID. */
    public static final UUID PLATFORM_TENANT = new UUID(0, 0);

    private final OutboxRepository outbox;
    private final FleetSerde serde;
    private final String producedBy;
    private final String instanceId;
    private final Clock clock;
    private final OutboxDelivery delivery;

    public OutboxEventWriter(OutboxRepository outbox, FleetSerde serde, FleetKafkaProperties kafka, Clock clock,
            OutboxDelivery delivery) {
        this.outbox = outbox;
        this.serde = serde;
        this.producedBy = kafka.service();
        this.instanceId = kafka.instanceId();
        this.clock = clock;
        this.delivery = delivery;
    }

    @Override
    public Mono<Void> deliver() {
        return delivery.deliverInTransaction();
    }

    @Override
    public Mono<Void> tenantCreated(Tenant tenant, String actor) {
        TraceParent trace = TraceParent.newRoot();
        return append(FleetTopics.TENANTS, tenant.id().toString(), tenantRecord(tenant), tenant.id(), trace)
                .then(event(tenant.id(), actor, "tenant/" + tenant.id(),
                        new TenantCreated(tenant.name(), Plan.valueOf(tenant.plan().name())), trace));
    }

    @Override
    public Mono<Void> tenantLimitsChanged(Tenant tenant, String actor) {
        TraceParent trace = TraceParent.newRoot();
        return append(FleetTopics.TENANTS, tenant.id().toString(), tenantRecord(tenant), tenant.id(), trace)
                .then(event(tenant.id(), actor, "tenant/" + tenant.id(), new TenantLimitsChanged(
                        tenant.requestsPerMinute(), noneIfZero(tenant.tokensPerMinute()),
                        noneIfZero(tenant.monthlyTokens()), noneIfZero(tenant.maxItems()),
                        noneIfZero(tenant.maxStoredBytes()), noneIfZero(tenant.maxItemBytes())), trace));
    }

    @Override
    public Mono<Void> tenantPlanChanged(Tenant tenant, TenantPlan previous, String actor) {
        TraceParent trace = TraceParent.newRoot();
        return append(FleetTopics.TENANTS, tenant.id().toString(), tenantRecord(tenant), tenant.id(), trace)
                .then(event(tenant.id(), actor, "tenant/" + tenant.id(), new TenantPlanChanged(
                        Plan.valueOf(tenant.plan().name()), Plan.valueOf(previous.name())), trace));
    }

    @Override
    public Mono<Void> tenantStatusChanged(Tenant tenant, TenantStatus previous, String actor) {
        TraceParent trace = TraceParent.newRoot();
        return append(FleetTopics.TENANTS, tenant.id().toString(), tenantRecord(tenant), tenant.id(), trace)
                .then(event(tenant.id(), actor, "tenant/" + tenant.id(),
                        new TenantStatusChanged(tenant.status(), previous), trace));
    }

    /**
     * Only a domain event, fleet-wide like the price book's (key and tenant: the nil UUID), subject
     * {@code console/sign-in}; the actor is this service, as nobody signed in.
     */
    @Override
    public Mono<Void> consoleSignInRefused(String remoteAddress, int consecutiveFailures) {
        return domainEvent(PLATFORM_TENANT, producedBy, "console/sign-in",
                new ConsoleSignInRefused(remoteAddress, consecutiveFailures, instanceId));
    }

    @Override
    public Mono<Void> keyIssued(TenantKey key, String actor) {
        TraceParent trace = TraceParent.newRoot();
        return append(FleetTopics.API_KEYS, key.id().toString(), keyRecord(key), key.tenantId(), trace)
                .then(event(key.tenantId(), actor, "key/" + key.id(), new ApiKeyIssued(key.id().toString(),
                        key.prefix()), trace));
    }

    @Override
    public Mono<Void> keyRevoked(TenantKey key, String actor) {
        TraceParent trace = TraceParent.newRoot();
        return append(FleetTopics.API_KEYS, key.id().toString(), keyRecord(key), key.tenantId(), trace)
                .then(event(key.tenantId(), actor, "key/" + key.id(), new ApiKeyRevoked(key.id().toString()),
                        trace));
    }

    @Override
    public Mono<Void> promptVersionCreated(PromptConfig prompt, int version, List<String> labels, String actor) {
        TraceParent trace = TraceParent.newRoot();
        UUID tenantId = UUID.fromString(prompt.tenantId());
        return appendPrompt(prompt, tenantId, trace)
                .then(event(tenantId, actor, promptSubject(prompt),
                        new PromptVersionCreated(prompt.name(), version, List.copyOf(labels)), trace));
    }

    @Override
    public Mono<Void> promptLabelMoved(PromptConfig prompt, String label, int version, Integer previous,
            String actor) {
        TraceParent trace = TraceParent.newRoot();
        UUID tenantId = UUID.fromString(prompt.tenantId());
        return appendPrompt(prompt, tenantId, trace)
                .then(event(tenantId, actor, promptSubject(prompt),
                        new PromptLabelMoved(prompt.name(), label, version, previous), trace));
    }

    @Override
    public Mono<Void> quotaWebhookChanged(UUID tenantId, String url, String actor) {
        return event(tenantId, actor, "tenant/" + tenantId + "/webhook", new QuotaWebhookChanged(url),
                TraceParent.newRoot());
    }

    public Mono<Void> modelAliasChanged(ModelAlias alias, boolean removed, String actor) {
        TraceParent trace = TraceParent.newRoot();
        return append(FleetTopics.MODEL_ALIASES, alias.getAlias(), removed ? null : alias, PLATFORM_TENANT, trace)
                .then(event(PLATFORM_TENANT, actor, "model-alias/" + alias.getAlias(),
                        new ModelAliasChanged(alias, removed), trace));
    }

    /** A price book version: the record on its compacted topic and a PriceBookPublished event, platform-wide. */
    public Mono<Void> priceBookPublished(String key, PriceBook book, String actor) {
        TraceParent trace = TraceParent.newRoot();
        return append(FleetTopics.PRICE_BOOK, key, book, PLATFORM_TENANT, trace)
                .then(event(PLATFORM_TENANT, actor, "price-book/" + book.getVersion(), new PriceBookPublished(book),
                        trace));
    }

    /** Only a domain event, subject {@code response/<id>}; the tenant id is a UUID, as every tenant's is. */
    @Override
    public Mono<Void> responseDeleted(String tenantId, String responseId, String requestId, String actor) {
        return Mono.defer(() -> event(UUID.fromString(tenantId), actor, "response/" + responseId,
                new ResponseDeleted(responseId, requestId), TraceParent.newRoot()));
    }

    /**
     * A state record for {@code topic} and a domain event about it, under one trace; for announcers
     * of their own (such as {@link RiskOutbox}) that need nothing but these two rows.
     */
    public <V extends SpecificRecord> Mono<Void> stateAndEvent(Topic<V> topic, String key, V state, UUID tenantId,
            String actor, String subject, Object payload) {
        TraceParent trace = TraceParent.newRoot();
        return append(topic, key, state, tenantId, trace).then(event(tenantId, actor, subject, payload, trace));
    }

    /** Only a domain event, on a trace of its own. */
    public Mono<Void> domainEvent(UUID tenantId, String actor, String subject, Object payload) {
        return Mono.defer(() -> event(tenantId, actor, subject, payload, TraceParent.newRoot()));
    }

    private Mono<Void> appendPrompt(PromptConfig prompt, UUID tenantId, TraceParent trace) {
        return append(FleetTopics.PROMPTS, PromptRegistry.key(prompt.tenantId(), prompt.name()),
                PromptRecords.toRecord(prompt), tenantId, trace);
    }

    private static String promptSubject(PromptConfig prompt) {
        return "prompt/" + prompt.name();
    }

    private Mono<Void> event(UUID tenantId, String actor, String subject, Object payload, TraceParent trace) {
        UUID eventId = UUID.randomUUID();
        DomainEvent event = DomainEvents.of(clock, producedBy, actor, tenantId.toString(), eventId.toString(),
                subject, payload);
        return append(FleetTopics.DOMAIN_EVENTS, tenantId.toString(), event, eventId, tenantId, trace);
    }

    private <V extends SpecificRecord> Mono<Void> append(Topic<V> topic, String key, V value, UUID tenantId,
            TraceParent trace) {
        return append(topic, key, value, UUID.randomUUID(), tenantId, trace);
    }

    private <V extends SpecificRecord> Mono<Void> append(Topic<V> topic, String key, V value, UUID eventId,
            UUID tenantId, TraceParent trace) {
        return Mono.defer(() -> outbox.append(new OutboxRow(0, eventId, topic.name(), key,
                serde.serialize(topic.name(), value), tenantId, trace.child().toString())));
    }

    static dev.fleet.events.v1.Tenant tenantRecord(Tenant tenant) {
        return dev.fleet.events.v1.Tenant.newBuilder()
                .setId(tenant.id().toString())
                .setName(tenant.name())
                .setPlan(Plan.valueOf(tenant.plan().name()))
                .setStatus(tenant.status())
                .setRequestsPerMinute(tenant.requestsPerMinute())
                .setTokensPerDay(tenant.plan().tokensPerDay())
                .setTokensPerMinute(noneIfZero(tenant.tokensPerMinute()))
                .setMonthlyTokens(noneIfZero(tenant.monthlyTokens()))
                .setMaxItems(noneIfZero(tenant.maxItems()))
                .setMaxStoredBytes(noneIfZero(tenant.maxStoredBytes()))
                .setMaxItemBytes(noneIfZero(tenant.maxItemBytes()))
                .setUpdatedAt(tenant.updatedAt())
                .build();
    }

    /** The topics say "no limit" with null where the admin API says 0. */
    private static Long noneIfZero(long limit) {
        return limit > 0 ? limit : null;
    }

    static ApiKey keyRecord(TenantKey key) {
        return ApiKey.newBuilder()
                .setId(key.id().toString())
                .setTenantId(key.tenantId().toString())
                .setSha256(key.sha256())
                .setPrefix(key.prefix())
                .setScopes(key.scopes())
                .setStatus(key.status())
                .setLimits(key.limits().isNone() ? null
                        : new KeyLimits(key.limits().requestsPerMinute(), key.limits().tokensPerMinute()))
                .setUpdatedAt(key.updatedAt())
                .build();
    }
}
