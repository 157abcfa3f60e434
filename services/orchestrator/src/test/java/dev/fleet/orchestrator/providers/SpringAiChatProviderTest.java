package dev.fleet.orchestrator.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.orchestrator.domain.ChatFailure;
import dev.fleet.orchestrator.domain.ProviderChunk;
import dev.fleet.orchestrator.domain.RecordingExchange;
import dev.fleet.schemas.ChatMessages;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import reactor.core.publisher.Flux;

class SpringAiChatProviderTest {

    private final CircuitBreaker circuitBreaker = CircuitBreaker.of("test", CircuitBreakerConfig.custom()
            .minimumNumberOfCalls(100).recordException(StreamGuard::isEndpointFault).build());

    @Test
    void retriesAnAttemptThatFailedBeforeTheFirstToken() {
        // given
        ScriptedModel model = new ScriptedModel(attempt -> attempt < 3 ? Flux.error(status(503))
                : Flux.just(text("Hello"), text(" there"), usage(12, 2)));

        // when
        List<ProviderChunk> chunks = provider(model, Duration.ofSeconds(5)).stream(request(), new RecordingExchange())
                .collectList().block(Duration.ofSeconds(5));

        // then
        assertThat(model.attempts).hasValue(3);
        assertThat(chunks).extracting(ProviderChunk::text).containsExactly("Hello", " there", "");
        assertThat(chunks.get(2).usage()).isEqualTo(new TokenUsage(12, 2));
    }

    @Test
    void reportsProviderUnavailableWhenEveryAttemptFails() {
        // given
        ScriptedModel model = new ScriptedModel(attempt -> Flux.error(status(502)));

        // then
        assertThatThrownBy(() -> provider(model, Duration.ofSeconds(5)).stream(request(), new RecordingExchange())
                .blockLast(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ChatFailure.class, failure -> {
                    assertThat(failure.code()).isEqualTo(ErrorCode.PROVIDER_UNAVAILABLE);
                    assertThat(failure.type()).isEqualTo(ErrorType.SERVER_ERROR);
                    assertThat(failure.getMessage()).contains("502");
                });
        assertThat(model.attempts).hasValue(3);
    }

    @Test
    void doesNotRetryAfterTextWasStreamed() {
        // given
        ScriptedModel model = new ScriptedModel(attempt -> Flux.concat(Flux.just(text("Hel")),
                Flux.error(status(500))));
        StepRecorder seen = new StepRecorder();

        // when
        assertThatThrownBy(() -> provider(model, Duration.ofSeconds(5)).stream(request(), new RecordingExchange())
                .doOnNext(seen::add).blockLast(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ChatFailure.class,
                        failure -> assertThat(failure.getMessage()).contains("during the stream"));

        // then
        assertThat(model.attempts).hasValue(1);
        assertThat(seen.texts).containsExactly("Hel");
    }

    @Test
    void doesNotRetryARequestTheProviderRejected() {
        // given
        ScriptedModel model = new ScriptedModel(attempt -> Flux.error(status(400)));

        // then
        assertThatThrownBy(() -> provider(model, Duration.ofSeconds(5)).stream(request(), new RecordingExchange())
                .blockLast(Duration.ofSeconds(5))).isInstanceOf(ChatFailure.class);
        assertThat(model.attempts).hasValue(1);
    }

    @Test
    void givesUpOnAProviderThatStaysSilent() {
        // given
        ScriptedModel model = new ScriptedModel(attempt -> Flux.never());

        // then
        assertThatThrownBy(() -> provider(model, Duration.ofMillis(100)).stream(request(), new RecordingExchange())
                .blockLast(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ChatFailure.class, failure -> {
                    assertThat(failure.code()).isEqualTo(ErrorCode.PROVIDER_UNAVAILABLE);
                    assertThat(failure.getMessage()).contains("sent no first token within 100ms");
                });
        assertThat(model.attempts).hasValue(3);
    }

    @Test
    void stopsCallingAnEndpointWhoseCircuitIsOpen() {
        // given
        ScriptedModel model = new ScriptedModel(attempt -> Flux.just(text("never seen")));
        circuitBreaker.transitionToOpenState();

        // then
        assertThatThrownBy(() -> provider(model, Duration.ofSeconds(5)).stream(request(), new RecordingExchange())
                .blockLast(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ChatFailure.class,
                        failure -> assertThat(failure.code()).isEqualTo(ErrorCode.PROVIDER_UNAVAILABLE));
        assertThat(model.attempts).hasValue(0);
    }

    @Test
    void sendsTheConversationWithTheRequestedModelAndLimits() {
        // given
        ChatRequested request = request();
        request.setMessages(List.of(ChatMessages.text(ChatRole.SYSTEM, "be brief"),
                ChatMessages.text(ChatRole.USER, "hi"), ChatMessages.text(ChatRole.ASSISTANT, "hello"),
                ChatMessages.text(ChatRole.USER, "again")));
        request.setMaxTokens(64);

        // when
        Prompt prompt = ChatPrompts.openAi(request);

        // then
        assertThat(prompt.getInstructions()).extracting(m -> m.getMessageType().getValue() + ":" + m.getText())
                .containsExactly("system:be brief", "user:hi", "assistant:hello", "user:again");
        assertThat(prompt.getOptions().getModel()).isEqualTo("sim-model");
        assertThat(prompt.getOptions().getMaxTokens()).isEqualTo(64);
    }

    @Test
    void passesTheClientsSamplingOptionsToTheProvider() {
        // given
        ChatRequested request = request();
        request.setOptions(ChatOptions.newBuilder().setTopP(0.5).setPresencePenalty(1.0).setFrequencyPenalty(-1.0)
                .setSeed(42L).setStop(List.of("END")).setUser("end-user").build());

        // when
        OpenAiChatOptions options = (OpenAiChatOptions) ChatPrompts.openAi(request).getOptions();

        // then
        assertThat(options.getTopP()).isEqualTo(0.5);
        assertThat(options.getPresencePenalty()).isEqualTo(1.0);
        assertThat(options.getFrequencyPenalty()).isEqualTo(-1.0);
        assertThat(options.getSeed()).isEqualTo(42);
        assertThat(options.getStop()).containsExactly("END");
        assertThat(options.getUser()).isEqualTo("end-user");
    }

    private SpringAiChatProvider provider(StreamingChatModel model, Duration tokenTimeout) {
        StreamGuard guard = new StreamGuard("openai", new StreamGuard.Timeouts(tokenTimeout, tokenTimeout,
                Duration.ofSeconds(30)), circuitBreaker, Retry.of("test", RetryConfig.custom().maxAttempts(3)
                        .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(10), 2.0))
                        .retryOnException(StreamGuard::isRetryable)
                        .failAfterMaxAttempts(false).build()));
        return new SpringAiChatProvider("openai", Set.of("sim-model"), model, ChatPrompts::openAi, guard);
    }

    private static ChatRequested request() {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(UUID.randomUUID().toString())
                .setConversationId(UUID.randomUUID().toString())
                .setModel("sim-model")
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, "hi")))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-1")
                .setRequestedAt(Instant.now())
                .build();
    }

    private static ChatResponse text(String text) {
        return new ChatResponse(List.of(new Generation(new AssistantMessage(text))));
    }

    private static ChatResponse usage(int prompt, int completion) {
        return new ChatResponse(List.of(new Generation(new AssistantMessage(""))),
                ChatResponseMetadata.builder().usage(new DefaultUsage(prompt, completion)).build());
    }

    private static WebClientResponseException status(int status) {
        return WebClientResponseException.create(status, "status " + status, null, null, null);
    }

    /** A streaming model whose n-th call (from 1) answers {@code script.apply(n)}. */
    private static final class ScriptedModel implements StreamingChatModel {
        final AtomicInteger attempts = new AtomicInteger();
        private final IntFunction<Flux<ChatResponse>> script;

        ScriptedModel(IntFunction<Flux<ChatResponse>> script) {
            this.script = script;
        }

        @Override
        public Flux<ChatResponse> stream(Prompt prompt) {
            return Flux.defer(() -> script.apply(attempts.incrementAndGet()));
        }
    }

    private static final class StepRecorder {
        final List<String> texts = new java.util.concurrent.CopyOnWriteArrayList<>();

        void add(ProviderChunk chunk) {
            texts.add(chunk.text());
        }
    }
}
