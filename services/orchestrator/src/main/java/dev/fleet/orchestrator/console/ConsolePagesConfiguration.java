package dev.fleet.orchestrator.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import dev.fleet.orchestrator.domain.ControlPlaneEvents;


/** The console pages' beans besides their security (decision record 0044). */
@Configuration(proxyBeanMethods = false)
public class ConsolePagesConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConsolePagesConfiguration.class);

    @Bean(destroyMethod = "close")
    FleetOverview fleetOverview(KafkaProperties kafka, ConsoleProperties properties, WebClient.Builder web) {
        return new FleetOverview(kafka.buildAdminProperties(null), FleetOverview.parseServices(properties.services()),
                web, properties.probeTimeout());
    }

    /** A wrong admin token is logged and audited ({@code ConsoleSignInRefused}, through the outbox). */
    @Bean
    SignInRefusals signInRefusals(ControlPlaneEvents events) {
        return (address, failures) -> {
            log.warn("console sign-in refused from {} ({} consecutive wrong tokens)", address, failures);
            return events.consoleSignInRefused(address, failures);
        };
    }
}
