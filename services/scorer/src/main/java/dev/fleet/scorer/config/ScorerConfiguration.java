package dev.fleet.scorer.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.scorer.domain.CollectionSearch;
import dev.fleet.scorer.domain.VectorIndex;

/** The scorer's domain objects: one vector index per instance and the search over it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FleetScorerProperties.class)
public class ScorerConfiguration {

    @Bean
    VectorIndex vectorIndex() {
        return new VectorIndex();
    }

    @Bean
    CollectionSearch collectionSearch(VectorIndex vectorIndex, FleetScorerProperties properties) {
        return new CollectionSearch(vectorIndex, properties.maxTopK());
    }
}
