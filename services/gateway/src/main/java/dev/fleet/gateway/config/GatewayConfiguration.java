package dev.fleet.gateway.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.gateway.domain.ApiKeyAuthenticator;
import dev.fleet.gateway.domain.ApiKeyDirectory;
import dev.fleet.gateway.domain.ChatCompletions;
import dev.fleet.gateway.domain.CollectionInteractions;
import dev.fleet.gateway.domain.CollectionItems;
import dev.fleet.gateway.domain.Knowledge;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.gateway.domain.ratelimit.LimitsDirectory;
import dev.fleet.gateway.domain.ratelimit.RateLimiter;
import dev.fleet.gateway.domain.ItemStorageLimits;
import dev.fleet.gateway.domain.QuotaDirectory;
import dev.fleet.gateway.domain.StoredResponses;
import dev.fleet.gateway.domain.risk.RiskDecisionWaits;
import dev.fleet.gateway.domain.risk.RiskTransactions;
import dev.fleet.gateway.domain.UsageLedger;
import dev.fleet.gateway.messaging.ApiKeyDirectoryFeed;
import dev.fleet.gateway.messaging.ItemStorageFeed;
import dev.fleet.gateway.messaging.KafkaChatRequestChannel;
import dev.fleet.gateway.messaging.KafkaInteractionPublisher;
import dev.fleet.gateway.messaging.KafkaItemEventPublisher;
import dev.fleet.gateway.messaging.KafkaKnowledge;
import dev.fleet.gateway.messaging.KafkaStoredResponses;
import dev.fleet.gateway.messaging.KafkaTransactionPublisher;
import dev.fleet.gateway.messaging.RiskDecisionFeed;
import dev.fleet.gateway.messaging.RecordSizeLimit;
import dev.fleet.gateway.messaging.SizeCheckedChatRequestChannel;
import dev.fleet.gateway.messaging.ModelAliasFeed;
import dev.fleet.gateway.messaging.QuotaStatusFeed;
import dev.fleet.gateway.messaging.UsageRollupFeed;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.fleet.platform.kafka.ReplyConsumers;
import dev.fleet.platform.kafka.ReplyRouter;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.platform.kafka.TopicTail;
import dev.fleet.platform.tokens.TokenCounter;
import dev.fleet.schemas.FleetTopics;

/**
 * Wires the gateway: the domain services, their Kafka implementations, the topic mirrors and the
 * reply routers (registered here, while the context is built, so they start with
 * {@link TopicMirrors} and {@link ReplyConsumers}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FleetGatewayProperties.class)
public class GatewayConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ModelCatalog modelCatalog(TopicMirrors topicMirrors, FleetGatewayProperties properties, Environment environment) {
        List<String> chatModels = new ArrayList<>(properties.chatModels());
        chatModels.addAll(providerModels(environment));
        return ModelAliasFeed.feed(topicMirrors, new ModelCatalog(KnowledgeClient.EMBEDDING_MODEL, chatModels));
    }

    /**
     * The models of the orchestrator's named providers ({@code FLEET_PROVIDERS_<NAME>_MODELS}, decision
     * 0023), read from the same environment so that a deployment names each model once. Only the model
     * lists are read here; the providers themselves are the orchestrator's.
     */
    static List<String> providerModels(Environment environment) {
        Map<String, ProviderModels> providers = Binder.get(environment)
                .bind("fleet.providers", Bindable.mapOf(String.class, ProviderModels.class))
                .orElse(Map.of());
        return providers.values().stream().filter(p -> p.models() != null)
                .flatMap(p -> p.models().stream()).toList();
    }

    /** The one setting of a named provider that the gateway needs. */
    record ProviderModels(List<String> models) {
    }

    @Bean
    ApiKeyDirectory apiKeyDirectory() {
        return new ApiKeyDirectory();
    }

    @Bean
    ApiKeyAuthenticator apiKeyAuthenticator(TopicMirrors topicMirrors, ApiKeyDirectory apiKeyDirectory,
            LimitsDirectory limits, ItemStorageLimits itemStorageLimits, FleetGatewayProperties properties) {
        return new ApiKeyAuthenticator(apiKeyDirectory,
                ApiKeyDirectoryFeed.feed(topicMirrors, apiKeyDirectory, limits, itemStorageLimits,
                        properties.keyCatchUpTimeout()),
                properties.keyCatchUpTimeout());
    }

    /**
     * No chunk completes a registration by itself: a stale attempt's last chunk must not end a reply
     * that a newer attempt answers; the chat reader ends it at its attempt's last chunk (cancelling,
     * which releases the registration).
     */
    @Bean
    ReplyRouter<ChatChunk> chatReplies(ReplyConsumers replyConsumers) {
        return replyConsumers.router(FleetTopics.CHAT_REPLIES, chunk -> false);
    }

    @Bean
    RecordSizeLimit recordSizeLimit(FleetSerde serde, FleetGatewayProperties properties) {
        return new RecordSizeLimit(serde, properties.maxRecordBytes());
    }

    @Bean
    ChatCompletions chatCompletions(FleetPublisher fleetPublisher, ReplyRouter<ChatChunk> chatReplies,
            RecordSizeLimit recordSizeLimit, FleetKafkaProperties fleetKafkaProperties,
            FleetGatewayProperties properties, Clock clock, RateLimiter rateLimiter) {
        return new ChatCompletions(new SizeCheckedChatRequestChannel(
                new KafkaChatRequestChannel(fleetPublisher, chatReplies), recordSizeLimit),
                fleetKafkaProperties.instanceId(), properties.replyTimeout(), clock, rateLimiter,
                TokenCounter.cl100k());
    }

    @Bean
    KnowledgeClient knowledgeClient(ReplyConsumers replyConsumers, FleetPublisher fleetPublisher,
            FleetKafkaProperties fleetKafkaProperties, FleetGatewayProperties properties) {
        return KnowledgeClient.create(replyConsumers, fleetPublisher, fleetKafkaProperties,
                properties.knowledgeTimeout());
    }

    /** Lookups of stored responses wait as long as a search does ({@code FLEET_GATEWAY_KNOWLEDGE_TIMEOUT}). */
    @Bean
    StoredResponses storedResponses(ReplyConsumers replyConsumers, FleetPublisher fleetPublisher,
            FleetKafkaProperties fleetKafkaProperties, FleetGatewayProperties properties) {
        return new KafkaStoredResponses(fleetPublisher,
                replyConsumers.router(FleetTopics.RESPONSE_LOOKUP_RESULTS, result -> true),
                fleetKafkaProperties.instanceId(), properties.knowledgeTimeout());
    }

    @Bean
    Knowledge knowledge(KnowledgeClient knowledgeClient, RecordSizeLimit recordSizeLimit,
            FleetKafkaProperties fleetKafkaProperties, FleetGatewayProperties properties) {
        return new KafkaKnowledge(knowledgeClient, properties.knowledgeTimeout(), recordSizeLimit,
                fleetKafkaProperties.instanceId());
    }

    @Bean
    UsageLedger usageLedger(TopicMirrors topicMirrors, FleetGatewayProperties properties, Clock clock) {
        return UsageRollupFeed.feed(topicMirrors, new UsageLedger(properties.usageRetention(), clock));
    }

    /** Item limits from the tenants (fed with the keys' mirror), stored items from metering's counts. */
    @Bean
    ItemStorageLimits itemStorageLimits(TopicMirrors topicMirrors, Clock clock) {
        return ItemStorageFeed.feed(topicMirrors, new ItemStorageLimits(clock));
    }

    @Bean
    CollectionItems collectionItems(FleetPublisher fleetPublisher, ItemStorageLimits itemStorageLimits, Clock clock) {
        return new CollectionItems(new KafkaItemEventPublisher(fleetPublisher), itemStorageLimits, clock);
    }

    @Bean
    CollectionInteractions collectionInteractions(FleetPublisher fleetPublisher, Clock clock) {
        return new CollectionInteractions(new KafkaInteractionPublisher(fleetPublisher), clock);
    }

    @Bean
    QuotaDirectory quotaDirectory(TopicMirrors topicMirrors, Clock clock) {
        return QuotaStatusFeed.feed(topicMirrors, new QuotaDirectory(clock));
    }

    @Bean
    RiskDecisionWaits riskDecisionWaits(FleetGatewayProperties properties, MeterRegistry meters) {
        RiskDecisionWaits waits = new RiskDecisionWaits(properties.risk().maxWaits(), properties.risk().staleAfter());
        Gauge.builder("fleet.gateway.risk.waits", waits, RiskDecisionWaits::size)
                .description("transactions this replica waits for a decision of").register(meters);
        FunctionCounter.builder("fleet.gateway.risk.waits.refused", waits, RiskDecisionWaits::refused)
                .description("waiting requests answered pending at once: FLEET_GATEWAY_RISK_MAX_WAITS reached")
                .register(meters);
        FunctionCounter.builder("fleet.gateway.risk.waits.stale", waits, RiskDecisionWaits::dropped)
                .description("waits dropped because their request never released them").register(meters);
        return waits;
    }

    /** Every replica follows the decisions from their end, outside any group (decision 0037). */
    @Bean
    TopicTail<RiskDecision> riskDecisionFeed(TopicMirrors topicMirrors, RiskDecisionWaits waits, MeterRegistry meters) {
        TopicTail<RiskDecision> tail = RiskDecisionFeed.feed(topicMirrors, waits);
        FunctionCounter.builder("fleet.gateway.risk.decisions.unreadable", tail, TopicTail::unreadable)
                .description("decision records of an awaited account that could not be read, skipped")
                .register(meters);
        return tail;
    }

    @Bean
    RiskTransactions riskTransactions(FleetPublisher fleetPublisher, RiskDecisionWaits waits,
            FleetGatewayProperties properties) {
        return new RiskTransactions(new KafkaTransactionPublisher(fleetPublisher), waits,
                properties.risk().waitTimeout());
    }
}
