package dev.fleet.schemas;

import static dev.fleet.schemas.Party.ANALYTICS;
import static dev.fleet.schemas.Party.AUDIT;
import static dev.fleet.schemas.Party.BILLING;
import static dev.fleet.schemas.Party.EMBEDDING_WORKER;
import static dev.fleet.schemas.Party.GATEWAY;
import static dev.fleet.schemas.Party.ORCHESTRATOR;
import static dev.fleet.schemas.Party.PRODUCT_APPS;
import static dev.fleet.schemas.Party.SCORER;
import static dev.fleet.schemas.Party.USAGE_METERING;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.specific.SpecificRecord;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.AuditQuery;
import dev.fleet.events.v1.AuditQueryResult;
import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.Interaction;
import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemStorage;
import dev.fleet.events.v1.ItemVector;
import dev.fleet.events.v1.ModelAlias;
import dev.fleet.events.v1.PriceBook;
import dev.fleet.events.v1.Prompt;
import dev.fleet.events.v1.QuotaStatus;
import dev.fleet.events.v1.RateLimitClaim;
import dev.fleet.events.v1.RateLimitGrant;
import dev.fleet.events.v1.RecommendationRules;
import dev.fleet.events.v1.RecommendationServed;
import dev.fleet.events.v1.ReindexJob;
import dev.fleet.events.v1.ResponseLookup;
import dev.fleet.events.v1.ResponseLookupResult;
import dev.fleet.events.v1.RiskCaseOutcome;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskRuleSet;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.events.v1.UsageRollup;

/**
 * The topic catalog: every topic of the fleet, declared once. Services provision the topics
 * they touch from it, and {@code docs/topics.md} is rendered from it ({@link TopicCatalogPage}).
 */
public final class FleetTopics {

    private static final Duration SHORT = Duration.ofHours(1);
    private static final Duration WEEK = Duration.ofDays(7);
    private static final Duration MONTH = Duration.ofDays(30);
    private static final Duration LONG = Duration.ofDays(365);

    public static final Topic<Tenant> TENANTS = new Topic<>("fleet.tenants.v1", "tenantId", Tenant.class,
            3, Cleanup.COMPACT, null, Set.of(ORCHESTRATOR), Set.of(GATEWAY, USAGE_METERING),
            "Every tenant's current plan, limits and status.");

    public static final Topic<ApiKey> API_KEYS = new Topic<>("fleet.api-keys.v1", "keyId", ApiKey.class,
            3, Cleanup.COMPACT, null, Set.of(ORCHESTRATOR), Set.of(GATEWAY),
            "Every API key's hash, scopes and status; never the key itself.");

    public static final Topic<ChatRequested> CHAT_REQUESTS = new Topic<>("fleet.chat.requests.v1", "conversationId",
            ChatRequested.class, 6, Cleanup.DELETE, WEEK, Set.of(GATEWAY), Set.of(ORCHESTRATOR),
            "Chat completions asked for at the gateway.");

    public static final Topic<ChatChunk> CHAT_REPLIES = new Topic<>("fleet.chat.replies.v1", "requestId",
            ChatChunk.class, 6, Cleanup.DELETE, SHORT, Set.of(ORCHESTRATOR), Set.of(GATEWAY),
            "Streamed pieces of chat completions, read by the gateway replica holding the connection.");

    public static final Topic<EmbeddingRequested> EMBEDDING_REQUESTS = new Topic<>("fleet.embedding.requests.v1",
            "requestId", EmbeddingRequested.class, 6, Cleanup.DELETE, SHORT, Set.of(GATEWAY, ORCHESTRATOR),
            Set.of(EMBEDDING_WORKER), "Texts to embed.");

    public static final Topic<EmbeddingResult> EMBEDDING_REPLIES = new Topic<>("fleet.embedding.replies.v1",
            "requestId", EmbeddingResult.class, 6, Cleanup.DELETE, SHORT, Set.of(EMBEDDING_WORKER),
            Set.of(GATEWAY, ORCHESTRATOR), "Embeddings of the requested texts.");

    public static final Topic<ItemEvent> ITEMS = new Topic<>("fleet.items.v1", "tenantId/collection/itemId",
            ItemEvent.class, 6, Cleanup.COMPACT, null, Set.of(GATEWAY, PRODUCT_APPS), Set.of(EMBEDDING_WORKER,
            USAGE_METERING), "Items of tenants' knowledge collections, upserted or deleted.");

    public static final Topic<ItemVector> ITEM_VECTORS = new Topic<>("fleet.item-vectors.v1",
            "tenantId/collection/itemId", ItemVector.class, 6, Cleanup.COMPACT, null, Set.of(EMBEDDING_WORKER),
            Set.of(SCORER, ANALYTICS), "Items with their embeddings; a tombstone removes an item.");

    public static final Topic<ScoreRequested> SCORE_REQUESTS = new Topic<>("fleet.score.requests.v1", "requestId",
            ScoreRequested.class, 6, Cleanup.DELETE, SHORT, Set.of(GATEWAY, ORCHESTRATOR), Set.of(SCORER),
            "Vector searches in a tenant's collection.");

    public static final Topic<ScoreResult> SCORE_REPLIES = new Topic<>("fleet.score.replies.v1", "requestId",
            ScoreResult.class, 6, Cleanup.DELETE, SHORT, Set.of(SCORER), Set.of(GATEWAY, ORCHESTRATOR),
            "Search hits, best first.");

    public static final Topic<UsageRecorded> USAGE = new Topic<>("fleet.usage.v1", "tenantId", UsageRecorded.class,
            6, Cleanup.DELETE, WEEK, Set.of(ORCHESTRATOR, EMBEDDING_WORKER, SCORER),
            Set.of(USAGE_METERING), "Billable quantities as they are used.");

    public static final Topic<UsageRollup> USAGE_ROLLUPS = new Topic<>("fleet.usage.rollups.v1",
            "tenantId/granularity/windowStart/meter/model", UsageRollup.class, 3, Cleanup.COMPACT, null,
            Set.of(USAGE_METERING), Set.of(GATEWAY, ORCHESTRATOR, BILLING, ANALYTICS),
            "Usage totals per tenant, meter and model over each minute, hour, day and month (UTC); the latest record "
                    + "of a key is its window's total, and a correction (key suffix /late/<event-id>, correction=true) "
                    + "adds usage that arrived after its window left the state. Granularity and meter lower-case, "
                    + "windowStart ISO-8601, model '-' when none.");

    public static final Topic<QuotaStatus> QUOTA_STATUS = new Topic<>("fleet.quota.status.v1", "tenantId",
            QuotaStatus.class, 3, Cleanup.COMPACT, null, Set.of(USAGE_METERING), Set.of(GATEWAY, ORCHESTRATOR),
            "Each tenant's monthly token quota standing (used, limit, ok / warning at 80 % / exceeded), written within "
                    + "a second of a change of state, of the limit or of the month; refuse a tenant whose latest "
                    + "status is exceeded for the current month.");

    public static final Topic<ItemStorage> ITEM_STORAGE = new Topic<>("fleet.item-storage.v1", "tenantId",
            ItemStorage.class, 3, Cleanup.COMPACT, null, Set.of(USAGE_METERING), Set.of(GATEWAY),
            "What each tenant stores in its knowledge collections (items and their bytes, counted exactly from "
                    + "fleet.items.v1), written within a commit interval of a change; the gateway refuses an upsert "
                    + "that would take the tenant over its maxItems or maxStoredBytes.");

    public static final Topic<DomainEvent> DOMAIN_EVENTS = new Topic<>("fleet.domain.events.v1", "tenantId",
            DomainEvent.class, 3, Cleanup.DELETE, LONG, Set.of(ORCHESTRATOR, GATEWAY, USAGE_METERING),
            Set.of(AUDIT, ORCHESTRATOR, ANALYTICS),
            "Everything governance cares about; the audit log's source (and the admin console's experiment results).");

    public static final Topic<RateLimitClaim> RATE_LIMIT_CLAIMS = new Topic<>("fleet.ratelimit.claims.v1", "budget",
            RateLimitClaim.class, 6, Cleanup.DELETE, SHORT, Set.of(GATEWAY), Set.of(GATEWAY),
            "Gateway replicas asking a budget's owner (the replica that owns the budget's partition) for capacity.");

    public static final Topic<RateLimitGrant> RATE_LIMIT_GRANTS = new Topic<>("fleet.ratelimit.grants.v1", "claimId",
            RateLimitGrant.class, 6, Cleanup.DELETE, SHORT, Set.of(GATEWAY), Set.of(GATEWAY),
            "Capacity granted to a claim, valid until the end of the budget's window.");

    public static final Topic<Prompt> PROMPTS = new Topic<>("fleet.prompts.v1", "tenantId/name", Prompt.class,
            3, Cleanup.COMPACT, null, Set.of(ORCHESTRATOR), Set.of(ORCHESTRATOR, ANALYTICS),
            "Every tenant's prompt templates: all versions and where each label points (config as events).");

    public static final Topic<ModelAlias> MODEL_ALIASES = new Topic<>("fleet.model-aliases.v1", "alias",
            ModelAlias.class, 3, Cleanup.COMPACT, null, Set.of(ORCHESTRATOR), Set.of(ORCHESTRATOR, GATEWAY, ANALYTICS),
            "Model aliases: the ordered provider targets behind each model name clients may use, and the experiment "
                    + "running on it (config as events; a tombstone removes an alias).");

    public static final Topic<PriceBook> PRICE_BOOK = new Topic<>("fleet.price-book.v1", "version", PriceBook.class,
            1, Cleanup.COMPACT, null, Set.of(ORCHESTRATOR), Set.of(USAGE_METERING, ANALYTICS),
            "Every version of the price book, keyed by its zero-padded version (config as events).");

    public static final Topic<InvoiceLine> BILLING_LINES = new Topic<>("fleet.billing.lines.v1",
            "tenantId/month/meter/model", InvoiceLine.class, 3, Cleanup.COMPACT, null, Set.of(USAGE_METERING),
            Set.of(ORCHESTRATOR, BILLING, ANALYTICS),
            "Invoice lines per tenant, month (yyyy-MM, UTC), meter and model, recomputed exactly from the rollups; "
                    + "DRAFT until the month closes.");

    public static final Topic<ResponseLookup> RESPONSE_LOOKUPS = new Topic<>("fleet.responses.lookups.v1",
            "requestId", ResponseLookup.class, 6, Cleanup.DELETE, SHORT, Set.of(GATEWAY), Set.of(ORCHESTRATOR),
            "Retrievals and deletions of stored Responses API responses (GET / DELETE /v1/responses/{id}), "
                    + "asked by the gateway of the orchestrator that stores them.");

    public static final Topic<ResponseLookupResult> RESPONSE_LOOKUP_RESULTS = new Topic<>(
            "fleet.responses.lookup-results.v1", "requestId", ResponseLookupResult.class, 6, Cleanup.DELETE, SHORT,
            Set.of(ORCHESTRATOR), Set.of(GATEWAY),
            "The stored response (instructions, input, output) or why there is none, on the partition the asking "
                    + "gateway replica reads; short retention, since it carries content.");

    public static final Topic<AuditQuery> AUDIT_QUERIES = new Topic<>("fleet.audit.queries.v1", "requestId",
            AuditQuery.class, 3, Cleanup.DELETE, SHORT, Set.of(ORCHESTRATOR), Set.of(AUDIT),
            "Pages of a tenant's audit log and verifications of its hash chain, asked by the orchestrator's admin "
                    + "console of the audit service that owns the log (decision 0041).");

    public static final Topic<AuditQueryResult> AUDIT_QUERY_RESULTS = new Topic<>("fleet.audit.query-results.v1",
            "requestId", AuditQueryResult.class, 6, Cleanup.DELETE, SHORT, Set.of(AUDIT), Set.of(ORCHESTRATOR),
            "The audit events or chain verification asked for, on the partition the asking orchestrator replica "
                    + "reads (as many partitions as the orchestrator may have replicas); short retention, since it "
                    + "carries the log's content.");

    public static final Topic<TransactionSubmitted> TRANSACTIONS = new Topic<>("fleet.transactions.v1",
            "tenantId/accountId", TransactionSubmitted.class, 6, Cleanup.DELETE, WEEK, Set.of(PRODUCT_APPS, GATEWAY),
            Set.of(SCORER, ORCHESTRATOR, ANALYTICS),
            "Payments product apps ask the fleet to score (directly, or through POST /v1/risk/transactions); every "
                    + "one gets exactly one decision. Key each account's transactions alike so they stay in order.");

    public static final Topic<RiskDecision> RISK_DECISIONS = new Topic<>("fleet.risk.decisions.v1",
            "tenantId/accountId", RiskDecision.class, 6, Cleanup.DELETE, LONG, Set.of(SCORER),
            Set.of(PRODUCT_APPS, GATEWAY, ORCHESTRATOR, ANALYTICS),
            "The enforced decision for each transaction (approve, review, decline) with its score, the rules that "
                    + "fired, the feature values and the rule-set version; exactly one per transaction.");

    public static final Topic<RiskDecision> RISK_SHADOW_DECISIONS = new Topic<>("fleet.risk.shadow-decisions.v1",
            "tenantId/accountId", RiskDecision.class, 6, Cleanup.DELETE, WEEK, Set.of(SCORER),
            Set.of(ANALYTICS), "What a tenant's shadow rule set would have decided; never enforced, compared "
                    + "with fleet.risk.decisions.v1 before the version is promoted.");

    public static final Topic<RiskRuleSet> RISK_RULE_SETS = new Topic<>("fleet.risk.rule-sets.v1", "tenantId",
            RiskRuleSet.class, 3, Cleanup.COMPACT, null, Set.of(ORCHESTRATOR), Set.of(SCORER, ANALYTICS),
            "Each tenant's active risk rule set and its shadow candidate (config as events); a tenant without one "
                    + "is scored with the built-in default rules.");

    public static final Topic<RiskCaseOutcome> RISK_CASE_OUTCOMES = new Topic<>("fleet.risk.case-outcomes.v1",
            "tenantId/accountId", RiskCaseOutcome.class, 3, Cleanup.DELETE, LONG, Set.of(ORCHESTRATOR),
            Set.of(PRODUCT_APPS, ANALYTICS),
            "How each review case ended: release (approved) or cancel (declined) the held transaction.");

    public static final Topic<Interaction> INTERACTIONS = new Topic<>("fleet.interactions.v1", "tenantId/collection",
            Interaction.class, 6, Cleanup.DELETE, MONTH, Set.of(PRODUCT_APPS, GATEWAY), Set.of(SCORER, ANALYTICS),
            "What users did with the items of a collection (view, click, like, add to cart, purchase), from product "
                    + "apps directly or through POST /v1/collections/{collection}/interactions. Key tenantId/collection "
                    + "with Kafka's default partitioner: a collection's interactions then sit on the partition number "
                    + "of its item vectors, where the scorer replica holding them builds the users' profiles from "
                    + "the last 30 days.");

    public static final Topic<RecommendationServed> RECOMMENDATIONS_SERVED = new Topic<>(
            "fleet.recommendations.served.v1", "tenantId/collection", RecommendationServed.class, 6, Cleanup.DELETE,
            MONTH, Set.of(SCORER), Set.of(ANALYTICS),
            "Every recommendation the scorer answered (by user or by example items): the items and scores in the "
                    + "order served and the rule version; join with fleet.interactions.v1 for click-through rates.");

    public static final Topic<RecommendationRules> RECOMMENDATION_RULES = new Topic<>(
            "fleet.recommendation.rules.v1", "tenantId/collection", RecommendationRules.class, 3, Cleanup.COMPACT,
            null, Set.of(ORCHESTRATOR), Set.of(SCORER, ANALYTICS),
            "Each collection's active recommendation rules (boost and bury by metadata, pinned items; config as "
                    + "events), applied by every scorer replica to its searches and recommendations.");
    public static final Topic<ReindexJob> REINDEX_JOBS = new Topic<>("fleet.reindex.jobs.v1", "jobId",
            ReindexJob.class, 3, Cleanup.COMPACT, null, Set.of(ORCHESTRATOR, EMBEDDING_WORKER),
            Set.of(EMBEDDING_WORKER, ORCHESTRATOR, Party.SRE),
            "Re-embeddings of a collection (POST /admin/tenants/{id}/collections/{c}/reindex): written REQUESTED by "
                    + "the orchestrator, run by the embedding-worker replica that reads the job's partition, which "
                    + "writes its progress (RUNNING with items done / total, then DONE or FAILED) under the same key "
                    + "(decision 0050).");

    /** Every topic, in catalog order. */
    public static final List<Topic<?>> ALL = List.of(TENANTS, API_KEYS, CHAT_REQUESTS, CHAT_REPLIES,
            EMBEDDING_REQUESTS, EMBEDDING_REPLIES, ITEMS, ITEM_VECTORS, SCORE_REQUESTS, SCORE_REPLIES, USAGE,
            USAGE_ROLLUPS, QUOTA_STATUS, ITEM_STORAGE, DOMAIN_EVENTS, RATE_LIMIT_CLAIMS, RATE_LIMIT_GRANTS, PROMPTS,
            MODEL_ALIASES, PRICE_BOOK, BILLING_LINES, RESPONSE_LOOKUPS, RESPONSE_LOOKUP_RESULTS, AUDIT_QUERIES,
            AUDIT_QUERY_RESULTS, TRANSACTIONS,
            RISK_DECISIONS, RISK_SHADOW_DECISIONS, RISK_RULE_SETS, RISK_CASE_OUTCOMES, INTERACTIONS,
            RECOMMENDATIONS_SERVED, RECOMMENDATION_RULES, REINDEX_JOBS);

    private static final Map<String, Topic<?>> BY_NAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Topic::name, Function.identity()));

    private FleetTopics() {
    }

    /** The topic named {@code name}, if the catalog declares it. */
    public static Optional<Topic<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The topics {@code party} produces or consumes. */
    public static List<Topic<?>> touchedBy(Party party) {
        return ALL.stream().filter(t -> t.touchedBy(party)).toList();
    }

    /** The distinct value types of all topics. */
    public static List<Class<? extends SpecificRecord>> valueTypes() {
        return ALL.stream().<Class<? extends SpecificRecord>>map(Topic::valueType).distinct().toList();
    }
}
