package dev.fleet.orchestrator.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Kind;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Provider;
import dev.fleet.orchestrator.config.ProvidersConfiguration;
import dev.fleet.orchestrator.domain.ProviderChunk;
import dev.fleet.orchestrator.domain.ChatProvider;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.test.OpenAiSimulator;
import dev.fleet.test.TcpProxy;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * Streamed completions reuse the provider connection: Spring AI stops reading at {@code [DONE]},
 * and without {@link KeepAliveAfterCancel} Reactor Netty closed the connection each time, so every
 * completion opened a new one (counted here by a TCP proxy in front of the simulator). The rest of a
 * body is read after the caller has its answer, so the test waits for the pool to have no
 * connection in use before the next completion; without the filter that connection is closed and
 * the next completion opens another.
 */
class ProviderConnectionReuseTest {

    private static final OpenAiSimulator SIMULATOR = OpenAiSimulator.start();
    private static final TcpProxy PROXY = TcpProxy.open().forwardTo("127.0.0.1", SIMULATOR.port());
    private static final AtomicReference<ConnectionPoolMetrics> POOL_METRICS = new AtomicReference<>();
    private static final ConnectionProvider POOL = ConnectionProvider.builder("connection-reuse-test")
            .maxConnections(4)
            .metrics(true, () -> (poolName, id, address, metrics) -> POOL_METRICS.set(metrics))
            .build();

    @AfterAll
    static void stop() {
        POOL.dispose();
        PROXY.close();
        SIMULATOR.close();
    }

    @Test
    void streamsSeveralCompletionsOverOneConnection() {
        // given
        ChatProvider provider = ProvidersConfiguration.provider("openai", new Provider(Kind.OPENAI,
                        "http://" + PROXY.address(), "test-key", List.of("reuse-model"), Duration.ofSeconds(10),
                        Duration.ofSeconds(10), Duration.ofSeconds(20), 1, Duration.ofMillis(20), 50, 100, 100,
                        Duration.ofMinutes(1), 256),
                WebClient.builder(), POOL, ObservationRegistry.NOOP, CircuitBreakerRegistry.ofDefaults(),
                RetryRegistry.ofDefaults());

        // when three completions are streamed one after another
        for (int i = 0; i < 3; i++) {
            String text = provider.stream(request("question " + i), null)
                    .map(ProviderChunk::text).reduce("", String::concat).block(Duration.ofSeconds(20));
            assertThat(text).isEqualTo(OpenAiSimulator.answerTo("question " + i));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> POOL_METRICS.get() != null && POOL_METRICS.get().acquiredSize() == 0);
        }

        // then they shared one connection
        assertThat(PROXY.accepted()).isEqualTo(1);
    }

    private static ChatRequested request(String question) {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(UUID.randomUUID().toString())
                .setConversationId(UUID.randomUUID().toString())
                .setModel("reuse-model")
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, question)))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-1")
                .setRequestedAt(Instant.now())
                .build();
    }
}
