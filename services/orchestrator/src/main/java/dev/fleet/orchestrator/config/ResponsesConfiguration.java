package dev.fleet.orchestrator.config;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.orchestrator.domain.responses.PreviousResponses;
import dev.fleet.orchestrator.domain.responses.ResponseDeletions;
import dev.fleet.orchestrator.domain.responses.ResponseLookups;
import dev.fleet.orchestrator.domain.responses.ResponseRetention;
import dev.fleet.orchestrator.domain.responses.ResponseStore;
import dev.fleet.orchestrator.messaging.ResponseLookupListener;
import dev.fleet.platform.kafka.FleetPublisher;

/** Stored responses of the Responses API: retention and purge, the chain history, the gateway's lookups (decision 0029). */
@Configuration(proxyBeanMethods = false)
public class ResponsesConfiguration {

    @Bean
    ResponseRetention responseRetention(ResponseStore store, Clock clock, FleetOrchestratorProperties properties) {
        FleetOrchestratorProperties.Responses settings = properties.responses();
        return new ResponseRetention(store, clock, settings.retention(), settings.purgeInterval());
    }

    @Bean
    PreviousResponses previousResponses(ResponseStore store, ResponseRetention retention) {
        return new PreviousResponses(store, retention);
    }

    @Bean
    ResponseLookups responseLookups(ResponseStore store, ResponseDeletions deletions, ResponseRetention retention) {
        return new ResponseLookups(store, deletions, retention);
    }

    @Bean
    ResponseLookupListener responseLookupListener(ResponseLookups lookups, FleetPublisher publisher,
            FleetOrchestratorProperties properties) {
        return new ResponseLookupListener(lookups, publisher, properties.responses().lookupTimeout());
    }
}
