package dev.fleet.orchestrator.providers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.orchestrator.domain.ChatExchange;
import dev.fleet.orchestrator.domain.ChatFailure;
import dev.fleet.orchestrator.domain.ChatProvider;
import dev.fleet.orchestrator.domain.ProviderChunk;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import reactor.core.publisher.Flux;

/**
 * Serves the configured models from an OpenAI-compatible endpoint (OpenAI, vLLM, Ollama,
 * llama.cpp server) through Spring AI's streaming chat model, guarded by resilience4j:
 * <ul>
 * <li>a {@link TimeLimiter} bounds the wait for the first token and between tokens;</li>
 * <li>a {@link CircuitBreaker} stops calling an endpoint that keeps failing;</li>
 * <li>a {@link Retry} with exponential backoff repeats an attempt that failed <em>before its first
 * token</em> — once text has been streamed, a failure ends the reply (repeating would duplicate it).</li>
 * </ul>
 * Every failure becomes {@code provider_unavailable}. Usage comes from the provider's stream when it
 * reports it (the request asks for it), otherwise the chat service counts tokens itself.
 * Limits: tool messages are sent as user messages; no tool calling.
 */
public final class OpenAiCompatibleProvider implements ChatProvider {

    private final StreamingChatModel model;
    private final Set<String> models;
    private final TimeLimiter timeLimiter;
    private final CircuitBreaker circuitBreaker;
    private final Retry retry;

    public OpenAiCompatibleProvider(StreamingChatModel model, Set<String> models, TimeLimiter timeLimiter,
            CircuitBreaker circuitBreaker, Retry retry) {
        this.model = model;
        this.models = Set.copyOf(models);
        this.timeLimiter = timeLimiter;
        this.circuitBreaker = circuitBreaker;
        this.retry = retry;
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public Set<String> models() {
        return models;
    }

    @Override
    public Flux<ProviderChunk> stream(ChatRequested request, ChatExchange exchange) {
        Prompt prompt = prompt(request);
        return Flux.defer(() -> attempt(prompt))
                .transformDeferred(RetryOperator.of(retry))
                .onErrorMap(e -> !(e instanceof ChatFailure), this::failure)
                .concatMapIterable(OpenAiCompatibleProvider::chunks);
    }

    /** One call: errors after the first token are wrapped so the retry leaves them alone. */
    private Flux<ChatResponse> attempt(Prompt prompt) {
        AtomicBoolean streaming = new AtomicBoolean();
        return model.stream(prompt)
                .transformDeferred(TimeLimiterOperator.of(timeLimiter))
                .doOnNext(response -> {
                    if (!textOf(response).isEmpty()) {
                        streaming.set(true);
                    }
                })
                .onErrorMap(e -> streaming.get() && !(e instanceof BrokenStreamException), BrokenStreamException::new)
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker));
    }

    /** Worth another attempt: the endpoint may answer next time. */
    public static boolean isTransient(Throwable error) {
        if (error instanceof BrokenStreamException || error instanceof CallNotPermittedException
                || error instanceof ChatFailure) {
            return false;
        }
        if (error instanceof WebClientResponseException response) {
            int status = response.getStatusCode().value();
            return status >= 500 || status == 408 || status == 429;
        }
        return true;
    }

    /** Says something about the endpoint's health (what the circuit breaker counts). */
    public static boolean isEndpointFailure(Throwable error) {
        Throwable cause = error instanceof BrokenStreamException ? error.getCause() : error;
        return isTransient(cause);
    }

    private ChatFailure failure(Throwable error) {
        Throwable cause = error instanceof BrokenStreamException ? error.getCause() : error;
        String interrupted = error instanceof BrokenStreamException ? " during the stream" : "";
        String message;
        if (cause instanceof CallNotPermittedException) {
            message = "The model provider is unavailable (too many recent failures); try again later";
        } else if (cause instanceof TimeoutException) {
            message = "The model provider did not answer within "
                    + seconds(timeLimiter.getTimeLimiterConfig().getTimeoutDuration()) + interrupted;
        } else if (cause instanceof WebClientResponseException response) {
            message = "The model provider answered HTTP " + response.getStatusCode().value() + interrupted;
        } else if (cause instanceof WebClientRequestException) {
            message = "The model provider cannot be reached";
        } else {
            message = "The model provider failed" + interrupted;
        }
        return ChatFailure.providerUnavailable(message);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    static Prompt prompt(ChatRequested request) {
        List<Message> messages = new ArrayList<>();
        for (ChatMessage message : request.getMessages()) {
            messages.add(switch (message.getRole()) {
                case SYSTEM -> new SystemMessage(message.getContent());
                case ASSISTANT -> new AssistantMessage(message.getContent());
                case USER, TOOL -> new UserMessage(message.getContent());
            });
        }
        OpenAiChatOptions.Builder options = OpenAiChatOptions.builder()
                .model(request.getModel())
                .temperature(request.getTemperature())
                .maxTokens(request.getMaxTokens())
                .streamUsage(true);
        ChatOptions extra = request.getOptions();
        if (extra != null) {
            // sampling options only: tools and response_format need replies that can carry tool calls (not yet)
            options.topP(extra.getTopP())
                    .presencePenalty(extra.getPresencePenalty())
                    .frequencyPenalty(extra.getFrequencyPenalty())
                    .seed(intOrNull(extra.getSeed()))
                    .stop(extra.getStop().isEmpty() ? null : extra.getStop())
                    .user(extra.getUser());
        }
        return new Prompt(messages, options.build());
    }

    /** Spring AI carries an int seed; a larger one is left out rather than changed. */
    private static Integer intOrNull(Long value) {
        return value != null && value == value.intValue() ? value.intValue() : null;
    }

    private static List<ProviderChunk> chunks(ChatResponse response) {
        List<ProviderChunk> chunks = new ArrayList<>(2);
        String text = textOf(response);
        if (!text.isEmpty()) {
            chunks.add(ProviderChunk.text(text));
        }
        Usage usage = response.getMetadata() == null ? null : response.getMetadata().getUsage();
        if (usage != null && (positive(usage.getPromptTokens()) || positive(usage.getCompletionTokens()))) {
            chunks.add(ProviderChunk.usage(new TokenUsage(orZero(usage.getPromptTokens()),
                    orZero(usage.getCompletionTokens()))));
        }
        return chunks;
    }

    private static String textOf(ChatResponse response) {
        StringBuilder text = new StringBuilder();
        for (Generation generation : response.getResults()) {
            if (generation.getOutput() != null && generation.getOutput().getText() != null) {
                text.append(generation.getOutput().getText());
            }
        }
        return text.toString();
    }

    private static boolean positive(Integer n) {
        return n != null && n > 0;
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    /** A failure after text was streamed: not retried, since a new attempt would repeat that text. */
    static final class BrokenStreamException extends RuntimeException {
        BrokenStreamException(Throwable cause) {
            super("the stream broke after it started: " + cause, cause, false, false);
        }
    }
}
