package dev.fleet.orchestrator.config;

import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.fleet.orchestrator.domain.ChatContext;
import dev.fleet.orchestrator.domain.ChatProvider;
import dev.fleet.orchestrator.domain.conversations.ContextBudgets;
import dev.fleet.orchestrator.domain.conversations.ConversationStore;
import dev.fleet.orchestrator.domain.conversations.HistoryTrimmer;
import dev.fleet.orchestrator.domain.conversations.PromptAndHistoryContext;
import dev.fleet.orchestrator.domain.responses.PreviousResponses;
import dev.fleet.orchestrator.domain.responses.ResponseStore;
import dev.fleet.orchestrator.domain.responses.StoredResponsesContext;
import dev.fleet.orchestrator.domain.billing.PriceBookAdmin;
import dev.fleet.orchestrator.domain.billing.PriceBookEvents;
import dev.fleet.orchestrator.domain.billing.PriceBookStore;
import dev.fleet.orchestrator.domain.prompts.PromptAdmin;
import dev.fleet.orchestrator.domain.prompts.PromptRegistry;
import dev.fleet.orchestrator.domain.prompts.PromptResolver;
import dev.fleet.orchestrator.domain.prompts.PromptStore;
import dev.fleet.orchestrator.domain.recommendations.RecommendationRulesAdmin;
import dev.fleet.orchestrator.domain.recommendations.RecommendationRulesEvents;
import dev.fleet.orchestrator.domain.recommendations.RecommendationRulesStore;
import dev.fleet.orchestrator.domain.ChatRouter;
import dev.fleet.orchestrator.domain.ModelRoutes;
import dev.fleet.orchestrator.domain.ChatService;
import dev.fleet.orchestrator.domain.ControlPlaneEvents;
import dev.fleet.orchestrator.domain.ExtractiveAnswer;
import dev.fleet.orchestrator.domain.ExtractiveProvider;
import dev.fleet.orchestrator.domain.KeyMinter;
import dev.fleet.orchestrator.domain.ProcessedRequests;
import dev.fleet.orchestrator.domain.ReplyChunker;
import dev.fleet.orchestrator.domain.TenantAdmin;
import dev.fleet.orchestrator.domain.TenantStore;
import dev.fleet.orchestrator.domain.routing.AliasAdmin;
import dev.fleet.orchestrator.domain.routing.AliasRegistry;
import dev.fleet.orchestrator.domain.routing.AliasRoutes;
import dev.fleet.orchestrator.domain.routing.AliasRules;
import dev.fleet.orchestrator.domain.routing.AliasStore;
import dev.fleet.orchestrator.messaging.ModelAliasFeed;
import dev.fleet.orchestrator.messaging.OutboxChatSettlements;
import dev.fleet.orchestrator.messaging.OutboxDelivery;
import dev.fleet.orchestrator.messaging.OutboxExperimentAssignments;
import dev.fleet.orchestrator.persistence.ExperimentAssignmentRepository;
import dev.fleet.platform.tokens.TokenCounter;
import dev.fleet.orchestrator.messaging.OutboxRelay;
import dev.fleet.orchestrator.messaging.ReindexJobs;
import dev.fleet.orchestrator.persistence.OutboxRepository;
import dev.fleet.orchestrator.persistence.R2dbcProcessedRequests;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.fleet.platform.kafka.ReplyConsumers;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

import io.micrometer.core.instrument.MeterRegistry;

/** Wires the domain to its adapters. */
@Configuration(proxyBeanMethods = false)
public class OrchestratorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(OrchestratorConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    TenantAdmin tenantAdmin(TenantStore store, ControlPlaneEvents events, Clock clock) {
        return new TenantAdmin(store, events, new KeyMinter(), clock);
    }

    @Bean
    KnowledgeClient knowledgeClient(ReplyConsumers replies, FleetPublisher publisher, FleetKafkaProperties kafka,
            FleetOrchestratorProperties properties) {
        return KnowledgeClient.create(replies, publisher, kafka, properties.extractive().searchTimeout());
    }

    @Bean
    ExtractiveProvider extractiveProvider(FleetOrchestratorProperties properties) {
        FleetOrchestratorProperties.Extractive extractive = properties.extractive();
        return new ExtractiveProvider(new ExtractiveAnswer(extractive.closeness()),
                new ReplyChunker(properties.chat().chunkWords()), extractive.defaultCollection(), extractive.topK());
    }

    @Bean
    ChatRouter chatRouter(List<ChatProvider> providers, ConfiguredProviders configured, Clock clock,
            FleetKafkaProperties kafka) {
        List<ChatProvider> all = new java.util.ArrayList<>(providers);
        all.addAll(configured.providers());
        ChatRouter router = new ChatRouter(all, clock, kafka.service());
        log.info("chat models: {}", router.models());
        return router;
    }

    /** Settlements: the answered mark and the usage and closing events in one statement with the outbox. */
    @Bean
    ProcessedRequests processedRequests(R2dbcProcessedRequests marks, FleetSerde serde) {
        return new OutboxChatSettlements(marks, serde);
    }

    @Bean
    ChatService chatService(ChatRouter router, ProcessedRequests processed, Clock clock, FleetKafkaProperties kafka,
            FleetOrchestratorProperties properties, ChatContext context, ObjectProvider<ModelRoutes> routes) {
        return new ChatService(router, processed, TokenCounter.cl100k(), clock, kafka.service(),
                properties.chat().timeout(), context, routes.getIfAvailable(() -> ModelRoutes.DIRECT));
    }

    /** Every replica mirrors fleet.model-aliases.v1 into its own registry. */
    @Bean
    AliasRegistry aliasRegistry(TopicMirrors mirrors) {
        return ModelAliasFeed.feed(mirrors, new AliasRegistry());
    }

    /** Every replica mirrors fleet.reindex.jobs.v1: any replica answers for a job (decision 0050). */
    @Bean
    ReindexJobs reindexJobs(FleetPublisher publisher, TopicMirrors mirrors, Clock clock) {
        return new ReindexJobs(publisher, clock).feed(mirrors);
    }

    @Bean
    AliasAdmin aliasAdmin(AliasStore store, ControlPlaneEvents events, ChatRouter router, Clock clock) {
        return new AliasAdmin(store, events, new AliasRules(router.models(), router::serves), clock);
    }

    @Bean
    ModelRoutes modelRoutes(AliasRegistry aliases, ExperimentAssignmentRepository assignments,
            OutboxRepository outbox, ReactiveTransactionManager transactionManager, FleetSerde serde, Clock clock,
            FleetKafkaProperties kafka) {
        return new AliasRoutes(aliases, new OutboxExperimentAssignments(assignments, outbox,
                TransactionalOperator.create(transactionManager), serde, clock, kafka.service()), clock,
                kafka.service());
    }

    @Bean
    PromptRegistry promptRegistry() {
        return new PromptRegistry();
    }

    @Bean
    PromptAdmin promptAdmin(TenantStore tenants, PromptStore prompts, ControlPlaneEvents events, Clock clock) {
        return new PromptAdmin(tenants, prompts, events, clock);
    }

    @Bean
    ChatContext chatContext(PromptRegistry prompts, ConversationStore conversations, ResponseStore responses,
            PreviousResponses previousResponses, FleetOrchestratorProperties properties) {
        FleetOrchestratorProperties.Conversations settings = properties.conversations();
        return new StoredResponsesContext(new PromptAndHistoryContext(new PromptResolver(prompts), conversations,
                new HistoryTrimmer(TokenCounter.cl100k()), new ContextBudgets(settings.contextTokens(),
                        settings.perModel(), settings.replyReserveTokens()), previousResponses), responses);
    }

    @Bean
    RecommendationRulesAdmin recommendationRulesAdmin(RecommendationRulesStore store, RecommendationRulesEvents events,
            Clock clock) {
        return new RecommendationRulesAdmin(store, events, clock);
    }

    @Bean
    PriceBookAdmin priceBookAdmin(PriceBookStore store, PriceBookEvents events, Clock clock) {
        return new PriceBookAdmin(store, events, clock);
    }

    /**
     * Admin writes publish the records replicas read (tenants, keys, prompts, price book, risk and recommendation
     * rules) before they commit.
     */
    @Bean
    OutboxDelivery outboxDelivery(OutboxRepository outbox, FleetPublisher publisher, FleetSerde serde, Clock clock,
            FleetOrchestratorProperties properties) {
        FleetOrchestratorProperties.Outbox settings = properties.outbox();
        return new OutboxDelivery(outbox, publisher, serde, clock, List.of(FleetTopics.TENANTS, FleetTopics.API_KEYS,
                FleetTopics.PROMPTS, FleetTopics.PRICE_BOOK, FleetTopics.MODEL_ALIASES, FleetTopics.RISK_RULE_SETS,
                FleetTopics.RECOMMENDATION_RULES),
                settings.adminPublishTimeout(), settings.batchSize());
    }

    @Bean
    OutboxRelay outboxRelay(OutboxRepository outbox, ReactiveTransactionManager transactionManager,
            FleetPublisher publisher, FleetSerde serde, Clock clock, FleetOrchestratorProperties properties,
            MeterRegistry meters) {
        FleetOrchestratorProperties.Outbox settings = properties.outbox();
        return new OutboxRelay(outbox, TransactionalOperator.create(transactionManager), publisher, serde, clock,
                settings.relayInterval(), settings.batchSize(), settings.sendTimeout(), meters);
    }
}
