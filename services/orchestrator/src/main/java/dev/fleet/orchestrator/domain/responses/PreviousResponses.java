package dev.fleet.orchestrator.domain.responses;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.StoredResponse;
import dev.fleet.orchestrator.domain.ChatFailure;
import dev.fleet.schemas.ChatMessages;

import reactor.core.publisher.Mono;

/**
 * The history a response continued with {@code previous_response_id} is sent with: the input items
 * and the output of each stored response of the chain, oldest first (instructions are not carried
 * over, as OpenAI does); an output that called tools is an assistant message with those tool calls,
 * which the next input's {@code function_call_output} items answer. The caller trims it to the model's context budget like a conversation's.
 * Limits: at most {@value #MAX_CHAIN} responses are followed back (the trimmer keeps the newest
 * anyway); a chain whose older part expired or was deleted continues from what is left.
 */
public class PreviousResponses {

    /** Responses followed back from the previous one. */
    public static final int MAX_CHAIN = 256;

    private final ResponseStore store;
    private final ResponseRetention retention;

    public PreviousResponses(ResponseStore store, ResponseRetention retention) {
        this.store = store;
        this.retention = retention;
    }

    /**
     * The history up to and including {@code previousResponseId}, a 404 {@link ChatFailure} when the
     * tenant has no such response (never stored, expired, deleted or another tenant's).
     */
    public Mono<List<ChatMessage>> history(String tenantId, String previousResponseId) {
        return store.chain(tenantId, previousResponseId, retention.cutoff(), MAX_CHAIN).flatMap(chain -> {
            if (chain.isEmpty()) {
                return Mono.error(notFound(previousResponseId));
            }
            List<StoredResponse> oldestFirst = new ArrayList<>(chain);
            Collections.reverse(oldestFirst);
            List<ChatMessage> history = new ArrayList<>();
            for (StoredResponse response : oldestFirst) {
                history.addAll(response.getInput());
                if (response.getOutputToolCallsJson() != null) {
                    history.add(ChatMessage.newBuilder(ChatMessages.text(ChatRole.ASSISTANT, response.getOutputText()))
                            .setToolCallsJson(response.getOutputToolCallsJson()).build());
                } else if (!response.getOutputText().isEmpty()) {
                    history.add(ChatMessages.text(ChatRole.ASSISTANT, response.getOutputText()));
                }
            }
            return Mono.just(history);
        });
    }

    /** OpenAI's message for an unknown previous response; the gateway adds {@code previous_response_not_found}. */
    public static ChatFailure notFound(String previousResponseId) {
        return ChatFailure.notFound("Previous response with id '" + previousResponseId + "' not found.");
    }
}
