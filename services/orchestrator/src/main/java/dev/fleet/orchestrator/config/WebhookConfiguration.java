package dev.fleet.orchestrator.config;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.orchestrator.domain.ControlPlaneEvents;
import dev.fleet.orchestrator.domain.webhooks.QuotaWebhooks;
import dev.fleet.orchestrator.domain.webhooks.RetryBackoff;
import dev.fleet.orchestrator.domain.webhooks.WebhookDeliverer;
import dev.fleet.orchestrator.domain.webhooks.WebhookStore;
import dev.fleet.orchestrator.messaging.QuotaEventListener;
import dev.fleet.orchestrator.web.HttpWebhookSender;

/** Quota webhooks: the admin use cases, the consumer of quota events and the deliverer (decision record 0027). */
@Configuration(proxyBeanMethods = false)
public class WebhookConfiguration {

    @Bean
    QuotaWebhooks quotaWebhooks(WebhookStore store, ControlPlaneEvents events, ObjectMapper json, Clock clock) {
        return new QuotaWebhooks(store, events, json, clock);
    }

    @Bean
    QuotaEventListener quotaEventListener(QuotaWebhooks webhooks, FleetOrchestratorProperties properties) {
        return new QuotaEventListener(webhooks, properties.webhooks().writeTimeout());
    }

    @Bean
    WebhookDeliverer webhookDeliverer(WebhookStore store, WebClient.Builder webClient, Clock clock,
            FleetOrchestratorProperties properties) {
        FleetOrchestratorProperties.Webhooks settings = properties.webhooks();
        return new WebhookDeliverer(store, new HttpWebhookSender(webClient, settings.timeout()),
                new RetryBackoff(settings.maxAttempts(), settings.backoff(), settings.maxBackoff()), clock,
                settings.pollInterval(), settings.timeout().multipliedBy(2).plusSeconds(5), settings.batchSize());
    }
}
