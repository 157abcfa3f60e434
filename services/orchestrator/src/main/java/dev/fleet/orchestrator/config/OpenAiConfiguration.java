package dev.fleet.orchestrator.config;

import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.model.ApiKey;
import org.springframework.ai.model.NoopApiKey;
import org.springframework.ai.model.SimpleApiKey;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.fleet.orchestrator.providers.OpenAiCompatibleProvider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.observation.ObservationRegistry;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The OpenAI-compatible provider, only when {@code FLEET_OPENAI_BASE_URL} is set. Built by hand
 * rather than by Spring AI's starter, so that no client exists without an endpoint and the
 * resilience settings live in {@link FleetOrchestratorProperties}. The resilience4j instances are
 * named {@value #RESILIENCE_NAME} and registered in the (auto-configured) registries, so their
 * metrics are exported.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${fleet.orchestrator.openai.base-url:}'.trim().isEmpty()")
public class OpenAiConfiguration {

    static final String RESILIENCE_NAME = "openai";

    private static final Logger log = LoggerFactory.getLogger(OpenAiConfiguration.class);

    @Bean
    OpenAiCompatibleProvider openAiCompatibleProvider(FleetOrchestratorProperties properties,
            WebClient.Builder webClients, ObjectProvider<ObservationRegistry> observations,
            TimeLimiterRegistry timeLimiters, CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            ConnectionProvider connections) {
        FleetOrchestratorProperties.OpenAi openai = properties.openai();
        ApiKey apiKey = openai.apiKey() == null || openai.apiKey().isBlank() ? new NoopApiKey()
                : new SimpleApiKey(openai.apiKey());
        OpenAiApi api = OpenAiApi.builder()
                .baseUrl(openai.normalizedBaseUrl())
                .apiKey(apiKey)
                .webClientBuilder(webClients.clone()
                        .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections))))
                .build();
        OpenAiChatModel chatModel = OpenAiChatModel.builder()
                .openAiApi(api)
                .defaultOptions(OpenAiChatOptions.builder().model(openai.models().get(0)).build())
                .observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
                .build();

        TimeLimiter timeLimiter = timeLimiters.timeLimiter(RESILIENCE_NAME, TimeLimiterConfig.custom()
                .timeoutDuration(openai.tokenTimeout())
                .build());
        CircuitBreaker circuitBreaker = circuitBreakers.circuitBreaker(RESILIENCE_NAME, CircuitBreakerConfig.custom()
                .failureRateThreshold(openai.failureRateThreshold())
                .minimumNumberOfCalls(openai.minimumCalls())
                .slidingWindowSize(Math.max(openai.slidingWindowCalls(), openai.minimumCalls()))
                .waitDurationInOpenState(openai.openDuration())
                .slowCallDurationThreshold(properties.chat().timeout())
                .recordException(OpenAiCompatibleProvider::isEndpointFailure)
                .build());
        Retry retry = retries.retry(RESILIENCE_NAME, RetryConfig.custom()
                .maxAttempts(openai.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(openai.retryBackoff(), 2.0))
                .retryOnException(OpenAiCompatibleProvider::isTransient)
                .failAfterMaxAttempts(false)
                .build());
        log.info("OpenAI-compatible endpoint {} serves {}", openai.normalizedBaseUrl(), openai.models());
        return new OpenAiCompatibleProvider(chatModel, Set.copyOf(openai.models()), timeLimiter, circuitBreaker,
                retry);
    }

    /**
     * A connection pool as large as the chats this instance answers at once: the shared default
     * (16 connections, 32 waiting) would queue, then refuse, the streams of a busy replica.
     */
    @Bean(destroyMethod = "dispose")
    ConnectionProvider openAiConnections(FleetOrchestratorProperties properties) {
        return ConnectionProvider.builder(RESILIENCE_NAME)
                .maxConnections(properties.chat().maxInFlight())
                .pendingAcquireMaxCount(-1)
                .build();
    }
}
