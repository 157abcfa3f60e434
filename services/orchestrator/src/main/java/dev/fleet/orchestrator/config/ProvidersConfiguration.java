package dev.fleet.orchestrator.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.anthropic.api.AnthropicApi;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.ApiKey;
import org.springframework.ai.model.NoopApiKey;
import org.springframework.ai.model.SimpleApiKey;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Kind;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Provider;
import dev.fleet.orchestrator.domain.ChatProvider;
import dev.fleet.orchestrator.providers.ChatPrompts;
import dev.fleet.orchestrator.providers.KeepAliveAfterCancel;
import dev.fleet.orchestrator.providers.OpenAiResponsesProvider;
import dev.fleet.orchestrator.providers.SpringAiChatProvider;
import dev.fleet.orchestrator.providers.StreamGuard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Builds the chat providers the configuration names ({@link FleetProvidersProperties}, plus the
 * {@code FLEET_OPENAI_*} endpoint as the provider {@code openai}) by hand rather than by Spring AI's
 * starters, so that no client exists without a base URL and each provider gets its own connection
 * pool, circuit breaker and retry. The resilience4j instances carry the provider's name and live in
 * the auto-configured registries, so their metrics are exported. Spring AI's own retry is switched
 * off: the {@link StreamGuard} retries.
 */
@Configuration(proxyBeanMethods = false)
public class ProvidersConfiguration {

    /** The name of the provider that {@code FLEET_OPENAI_*} configures. */
    static final String LEGACY_OPENAI = "openai";

    private static final Logger log = LoggerFactory.getLogger(ProvidersConfiguration.class);

    /** How long a stream the model client stopped reading may take to end before its connection is closed. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

    @Bean
    ConfiguredProviders configuredProviders(FleetProvidersProperties providers, FleetOrchestratorProperties properties,
            WebClient.Builder webClients, ObjectProvider<ObservationRegistry> observations,
            CircuitBreakerRegistry circuitBreakers, RetryRegistry retries) {
        Map<String, Provider> all = all(providers, properties);
        List<ChatProvider> built = new ArrayList<>();
        List<ConnectionProvider> pools = new ArrayList<>();
        ObservationRegistry observation = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
        for (Map.Entry<String, Provider> entry : all.entrySet()) {
            String name = entry.getKey();
            Provider provider = entry.getValue();
            ConnectionProvider pool = ConnectionProvider.builder("provider-" + name)
                    .maxConnections(properties.chat().maxInFlight())
                    .pendingAcquireMaxCount(-1)
                    .build();
            pools.add(pool);
            built.add(provider(name, provider, webClients.clone(), pool, observation, circuitBreakers, retries));
            log.info("chat provider {} ({}, {}) serves {}", name, provider.kind(), provider.normalizedBaseUrl(),
                    provider.models());
        }
        return new ConfiguredProviders(built, pools);
    }

    /**
     * One provider: its Spring AI client on {@code pool}, guarded by a circuit breaker and a retry
     * named after it (public so that tests build providers exactly as the application does).
     */
    public static ChatProvider provider(String name, Provider provider, WebClient.Builder webClients,
            ConnectionProvider pool, ObservationRegistry observations, CircuitBreakerRegistry circuitBreakers,
            RetryRegistry retries) {
        WebClient.Builder webClient = webClients.clientConnector(new ReactorClientHttpConnector(
                        HttpClient.create(pool).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeout(provider))))
                .filter(KeepAliveAfterCancel.filter(DRAIN_GRACE));
        StreamGuard guard = new StreamGuard(name,
                new StreamGuard.Timeouts(provider.ttftTimeout(), provider.tokenTimeout(), provider.totalTimeout()),
                circuitBreaker(circuitBreakers, name, provider), retry(retries, name, provider));
        if (provider.kind() == Kind.OPENAI_RESPONSES) {
            if (provider.apiKey() != null && !provider.apiKey().isBlank()) {
                webClient.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + provider.apiKey());
            }
            return new OpenAiResponsesProvider(name, Set.copyOf(provider.models()),
                    webClient.baseUrl(provider.normalizedBaseUrl()).build(), guard);
        }
        return new SpringAiChatProvider(name, Set.copyOf(provider.models()), model(provider, webClient, observations),
                prompts(provider), guard);
    }

    /** The named providers and, when {@code FLEET_OPENAI_BASE_URL} is set, {@code openai} (first). */
    static Map<String, Provider> all(FleetProvidersProperties providers, FleetOrchestratorProperties properties) {
        Map<String, Provider> all = new LinkedHashMap<>();
        FleetOrchestratorProperties.OpenAi openai = properties.openai();
        if (openai.enabled()) {
            if (providers.providers().containsKey(LEGACY_OPENAI)) {
                throw new IllegalStateException("the provider 'openai' is configured twice: by FLEET_OPENAI_BASE_URL"
                        + " and by fleet.providers.openai (FLEET_PROVIDERS_OPENAI_*); keep one");
            }
            all.put(LEGACY_OPENAI, new Provider(Kind.OPENAI, openai.baseUrl(), openai.apiKey(), openai.models(),
                    openai.tokenTimeout(), openai.tokenTimeout(), properties.chat().timeout(), openai.maxAttempts(),
                    openai.retryBackoff(), openai.failureRateThreshold(), openai.minimumCalls(),
                    openai.slidingWindowCalls(), openai.openDuration(), 4096));
        }
        all.putAll(providers.providers());
        return all;
    }

    private static int connectTimeout(Provider provider) {
        return (int) Math.min(provider.ttftTimeout().toMillis(), Duration.ofSeconds(10).toMillis());
    }

    private static StreamingChatModel model(Provider provider, WebClient.Builder webClient,
            ObservationRegistry observations) {
        RetryTemplate noRetry = RetryTemplate.builder().maxAttempts(1).build();
        String first = provider.models().get(0);
        return switch (provider.kind()) {
            case OPENAI -> OpenAiChatModel.builder()
                    .openAiApi(OpenAiApi.builder().baseUrl(provider.normalizedBaseUrl()).apiKey(apiKey(provider))
                            .webClientBuilder(webClient).build())
                    .defaultOptions(OpenAiChatOptions.builder().model(first).build())
                    .retryTemplate(noRetry)
                    .observationRegistry(observations)
                    .build();
            case OLLAMA -> OllamaChatModel.builder()
                    .ollamaApi(OllamaApi.builder().baseUrl(provider.normalizedBaseUrl()).webClientBuilder(webClient)
                            .build())
                    .defaultOptions(OllamaChatOptions.builder().model(first).build())
                    .retryTemplate(noRetry)
                    .observationRegistry(observations)
                    .build();
            case OPENAI_RESPONSES -> throw new IllegalArgumentException("served by OpenAiResponsesProvider");
            case ANTHROPIC -> AnthropicChatModel.builder()
                    .anthropicApi(AnthropicApi.builder().baseUrl(provider.normalizedBaseUrl()).apiKey(apiKey(provider))
                            .webClientBuilder(webClient).build())
                    .defaultOptions(AnthropicChatOptions.builder().model(first).maxTokens(provider.maxTokens()).build())
                    .retryTemplate(noRetry)
                    .observationRegistry(observations)
                    .build();
        };
    }

    private static Function<ChatRequested, Prompt> prompts(Provider provider) {
        return switch (provider.kind()) {
            case OPENAI -> ChatPrompts::openAi;
            case OLLAMA -> ChatPrompts::ollama;
            case ANTHROPIC -> request -> ChatPrompts.anthropic(request, provider.maxTokens());
            case OPENAI_RESPONSES -> throw new IllegalArgumentException("served by OpenAiResponsesProvider");
        };
    }

    private static ApiKey apiKey(Provider provider) {
        return provider.apiKey() == null || provider.apiKey().isBlank() ? new NoopApiKey()
                : new SimpleApiKey(provider.apiKey());
    }

    private static CircuitBreaker circuitBreaker(CircuitBreakerRegistry registry, String name, Provider provider) {
        return registry.circuitBreaker(name, CircuitBreakerConfig.custom()
                .failureRateThreshold(provider.failureRateThreshold())
                .minimumNumberOfCalls(provider.minimumCalls())
                .slidingWindowSize(Math.max(provider.slidingWindowCalls(), provider.minimumCalls()))
                .waitDurationInOpenState(provider.openDuration())
                // a long answer is not a slow call: only failures count (an attempt ends by its total timeout)
                .slowCallDurationThreshold(provider.totalTimeout().plusSeconds(1))
                .recordException(StreamGuard::isEndpointFault)
                .build());
    }

    private static Retry retry(RetryRegistry registry, String name, Provider provider) {
        return registry.retry(name, RetryConfig.custom()
                .maxAttempts(provider.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(provider.retryBackoff(), 2.0))
                .retryOnException(StreamGuard::isRetryable)
                .failAfterMaxAttempts(false)
                .build());
    }
}
