package dev.fleet.orchestrator.console;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The prompt playground's client of the gateway. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PlaygroundProperties.class)
public class PlaygroundConfiguration {

    @Bean
    PlaygroundGateway playgroundGateway(WebClient.Builder web, PlaygroundProperties properties, ObjectMapper json) {
        return new PlaygroundGateway(web, properties.gatewayUrl(), properties.timeout(), json);
    }
}
