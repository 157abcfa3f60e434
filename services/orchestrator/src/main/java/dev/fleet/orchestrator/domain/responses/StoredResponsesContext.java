package dev.fleet.orchestrator.domain.responses;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ResponseRequested;
import dev.fleet.events.v1.StoredResponse;
import dev.fleet.orchestrator.domain.ChatContext;
import dev.fleet.orchestrator.domain.ChatEnding;
import dev.fleet.orchestrator.domain.PreparedChat;

import reactor.core.publisher.Mono;

/**
 * The chat context of a fleet that stores Responses API responses: prompts and history as
 * {@code delegate} has them, and, when a request that came in as a response with {@code store}
 * ends (answered or failed), its response in the {@link ResponseStore} before the last chunk
 * goes out, so a client can retrieve it as soon as it has its answer. Chat completions are not
 * touched.
 * <p>
 * Limits: a response that cannot be stored (database down) is logged and left out; the answer
 * stands (retrieving it is then a 404).
 */
public class StoredResponsesContext implements ChatContext {

    private static final Logger log = LoggerFactory.getLogger(StoredResponsesContext.class);

    private final ChatContext delegate;
    private final ResponseStore store;

    public StoredResponsesContext(ChatContext delegate, ResponseStore store) {
        this.delegate = delegate;
        this.store = store;
    }

    @Override
    public Mono<PreparedChat> prepare(ChatRequested request) {
        return delegate.prepare(request);
    }

    @Override
    public Mono<Void> remember(PreparedChat prepared, String answer) {
        return delegate.remember(prepared, answer);
    }

    @Override
    public Mono<Void> ended(ChatRequested request, ChatEnding ending) {
        ResponseRequested response = request.getResponse();
        if (response == null || !response.getStore()) {
            return delegate.ended(request, ending);
        }
        return delegate.ended(request, ending)
                .then(Mono.defer(() -> store.save(request.getTenantId(), stored(request, ending))))
                .onErrorResume(e -> {
                    log.warn("request {}: could not store response {}: {}", request.getRequestId(),
                            response.getResponseId(), e.toString());
                    return Mono.empty();
                });
    }

    /** The response as stored: its input items are the request's messages without the instructions. */
    static StoredResponse stored(ChatRequested request, ChatEnding ending) {
        ResponseRequested response = request.getResponse();
        List<ChatMessage> messages = request.getMessages();
        List<ChatMessage> input = response.getInstructions() != null && !response.getInstructions().isEmpty()
                && !messages.isEmpty() ? messages.subList(1, messages.size()) : messages;
        ChatOptions options = request.getOptions();
        return StoredResponse.newBuilder()
                .setResponseId(response.getResponseId())
                .setRequestId(request.getRequestId())
                .setModel(request.getModel())
                .setStatus(ending.failed() ? "failed" : "completed")
                .setCreatedAt(request.getRequestedAt())
                .setInstructions(response.getInstructions())
                .setInput(List.copyOf(input))
                .setOutputText(ending.text())
                .setUsage(ending.usage())
                .setError(ending.failed() ? ending.failure().toReplyError() : null)
                .setPreviousResponseId(response.getPreviousResponseId())
                .setTemperature(request.getTemperature())
                .setTopP(response.getTopP() != null ? response.getTopP() : options == null ? null : options.getTopP())
                .setMaxOutputTokens(request.getMaxTokens())
                .setUser(response.getUser())
                .setMetadata(response.getMetadata())
                .setOutputToolCallsJson(ending.toolCallsJson())
                .setTextFormatJson(response.getTextFormatJson())
                .setToolsJson(response.getToolsJson())
                .setToolChoiceJson(response.getToolChoiceJson())
                .build();
    }
}
