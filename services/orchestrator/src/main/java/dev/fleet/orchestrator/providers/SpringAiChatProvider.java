package dev.fleet.orchestrator.providers;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.Prompt;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.orchestrator.domain.ChatExchange;
import dev.fleet.orchestrator.domain.ChatProvider;
import dev.fleet.orchestrator.domain.ProviderChunk;
import dev.fleet.orchestrator.domain.ProviderFailure;

import reactor.core.publisher.Flux;

/**
 * A provider served through a Spring AI streaming chat model — OpenAI-compatible, Ollama native or
 * Anthropic; the kinds differ only in their model client and how a request becomes a
 * {@link Prompt} ({@link ChatPrompts}). Resilience (timeouts, retry, circuit breaker) is the
 * {@link StreamGuard}'s. Usage comes from the provider's stream when it reports it; otherwise the
 * chat service counts tokens itself. Tool calls the model makes (Spring AI gathers a streamed call's
 * pieces into one message) become one {@link ProviderChunk#toolCalls} chunk for the client to run;
 * the fleet never runs tools itself.
 */
public final class SpringAiChatProvider implements ChatProvider {

    private final String name;
    private final Set<String> models;
    private final StreamingChatModel model;
    private final Function<ChatRequested, Prompt> prompts;
    private final StreamGuard guard;

    public SpringAiChatProvider(String name, Set<String> models, StreamingChatModel model,
            Function<ChatRequested, Prompt> prompts, StreamGuard guard) {
        this.name = name;
        this.models = Set.copyOf(models);
        this.model = model;
        this.prompts = prompts;
        this.guard = guard;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<String> models() {
        return models;
    }

    @Override
    public Flux<ProviderChunk> stream(ChatRequested request, ChatExchange exchange) {
        Prompt prompt;
        try {
            prompt = prompts.apply(request);
        } catch (ChatPrompts.UnsupportedByProvider e) {
            return Flux.error(ProviderFailure.of(name, ProviderFailure.Cause.UNSUPPORTED, e.getMessage()));
        }
        return guard.guard(() -> model.stream(prompt).concatMapIterable(SpringAiChatProvider::chunks));
    }

    static List<ProviderChunk> chunks(ChatResponse response) {
        List<ProviderChunk> chunks = new ArrayList<>(2);
        StringBuilder text = new StringBuilder();
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        for (Generation generation : response.getResults()) {
            if (generation.getOutput() != null && generation.getOutput().getText() != null) {
                text.append(generation.getOutput().getText());
            }
            if (generation.getOutput() != null && generation.getOutput().hasToolCalls()) {
                calls.addAll(generation.getOutput().getToolCalls());
            }
        }
        if (!text.isEmpty()) {
            chunks.add(ProviderChunk.text(text.toString()));
        }
        if (!calls.isEmpty()) {
            chunks.add(ProviderChunk.toolCalls(OpenAiTools.toolCallsJson(calls)));
        }
        Usage usage = response.getMetadata() == null ? null : response.getMetadata().getUsage();
        if (usage != null && (positive(usage.getPromptTokens()) || positive(usage.getCompletionTokens()))) {
            chunks.add(ProviderChunk.usage(new TokenUsage(orZero(usage.getPromptTokens()),
                    orZero(usage.getCompletionTokens()))));
        }
        return chunks;
    }

    private static boolean positive(Integer n) {
        return n != null && n > 0;
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    @Override
    public String toString() {
        return "SpringAiChatProvider[" + name + " " + models + "]";
    }
}
