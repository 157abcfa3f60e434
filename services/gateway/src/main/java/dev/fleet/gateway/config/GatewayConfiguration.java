package dev.fleet.gateway.config;

import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.gateway.domain.ApiKeyDirectory;
import dev.fleet.gateway.domain.ChatCompletions;
import dev.fleet.gateway.domain.CollectionItems;
import dev.fleet.gateway.domain.Knowledge;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.gateway.messaging.ApiKeyDirectoryFeed;
import dev.fleet.gateway.messaging.KafkaChatRequestChannel;
import dev.fleet.gateway.messaging.KafkaItemEventPublisher;
import dev.fleet.gateway.messaging.KafkaKnowledge;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.fleet.platform.kafka.ReplyConsumers;
import dev.fleet.platform.kafka.ReplyRouter;
import dev.fleet.platform.kafka.TopicMirrors;
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
    ModelCatalog modelCatalog(FleetGatewayProperties properties) {
        return new ModelCatalog(KnowledgeClient.EMBEDDING_MODEL, properties.chatModels());
    }

    @Bean
    ApiKeyDirectory apiKeyDirectory(TopicMirrors topicMirrors) {
        return ApiKeyDirectoryFeed.feed(topicMirrors, new ApiKeyDirectory());
    }

    @Bean
    ReplyRouter<ChatChunk> chatReplies(ReplyConsumers replyConsumers) {
        return replyConsumers.router(FleetTopics.CHAT_REPLIES, chunk -> chunk.getFinishReason() != null);
    }

    @Bean
    ChatCompletions chatCompletions(FleetPublisher fleetPublisher, ReplyRouter<ChatChunk> chatReplies,
            FleetKafkaProperties fleetKafkaProperties, FleetGatewayProperties properties, Clock clock) {
        return new ChatCompletions(new KafkaChatRequestChannel(fleetPublisher, chatReplies),
                fleetKafkaProperties.instanceId(), properties.replyTimeout(), clock);
    }

    @Bean
    KnowledgeClient knowledgeClient(ReplyConsumers replyConsumers, FleetPublisher fleetPublisher,
            FleetKafkaProperties fleetKafkaProperties, FleetGatewayProperties properties) {
        return KnowledgeClient.create(replyConsumers, fleetPublisher, fleetKafkaProperties,
                properties.knowledgeTimeout());
    }

    @Bean
    Knowledge knowledge(KnowledgeClient knowledgeClient, FleetGatewayProperties properties) {
        return new KafkaKnowledge(knowledgeClient, properties.knowledgeTimeout());
    }

    @Bean
    CollectionItems collectionItems(FleetPublisher fleetPublisher, Clock clock) {
        return new CollectionItems(new KafkaItemEventPublisher(fleetPublisher), clock);
    }
}
