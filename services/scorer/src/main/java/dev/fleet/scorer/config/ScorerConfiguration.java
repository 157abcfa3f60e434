package dev.fleet.scorer.config;

import java.time.Clock;
import java.util.Map;

import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.platform.kafka.DeadLetters;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.HandDrivenConsumers;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.scorer.domain.CollectionRules;
import dev.fleet.scorer.domain.CollectionSearch;
import dev.fleet.scorer.domain.ShardedSearch;
import dev.fleet.scorer.domain.ShardStates;
import dev.fleet.scorer.domain.VectorIndex;
import dev.fleet.scorer.domain.profile.ProfileRecommender;
import dev.fleet.scorer.domain.profile.UserProfiles;
import dev.fleet.scorer.messaging.ItemVectorShards;
import dev.fleet.scorer.messaging.RecommendationRulesFeed;

/**
 * The scorer's domain objects: one vector index per instance (the collections of the item-vectors
 * partitions it holds), the user profiles of the same partitions, the states of those partitions, the reader
 * that fills both, every collection's recommendation rules, and the search.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FleetScorerProperties.class)
public class ScorerConfiguration {

    @Bean
    VectorIndex vectorIndex() {
        return new VectorIndex();
    }

    @Bean
    UserProfiles userProfiles(FleetScorerProperties properties) {
        return new UserProfiles(FleetTopics.INTERACTIONS.partitions(), properties.profile().maxInteractions(),
                properties.profile().maxUsersPerPartition());
    }

    @Bean
    CollectionRules collectionRules(TopicMirrors mirrors) {
        return RecommendationRulesFeed.feed(mirrors, new CollectionRules());
    }

    @Bean
    ShardStates shardStates() {
        return new ShardStates();
    }

    @Bean
    ItemVectorShards itemVectorShards(KafkaProperties kafka, FleetSerde serde, DeadLetters deadLetters,
            VectorIndex index, UserProfiles profiles, ShardStates states, HandDrivenConsumers handDriven) {
        Map<String, Object> config = kafka.buildConsumerProperties(null);
        return new ItemVectorShards(config, serde, deadLetters, index, profiles, states, handDriven);
    }

    @Bean
    ItemVectorShardsHealthIndicator itemVectorShardsHealthIndicator(ShardStates states) {
        return new ItemVectorShardsHealthIndicator(states);
    }

    @Bean
    CollectionSearch collectionSearch(VectorIndex vectorIndex, UserProfiles profiles,
            FleetScorerProperties properties) {
        ProfileRecommender recommender = new ProfileRecommender(vectorIndex, profiles,
                properties.profile().halfLife(), Clock.systemUTC());
        return new CollectionSearch(vectorIndex, recommender, properties.maxTopK());
    }

    @Bean
    ShardedSearch shardedSearch(CollectionSearch search, ShardStates states, FleetScorerProperties properties) {
        return new ShardedSearch(search, states, FleetTopics.ITEM_VECTORS.partitions(), properties.rebuildWait());
    }
}
