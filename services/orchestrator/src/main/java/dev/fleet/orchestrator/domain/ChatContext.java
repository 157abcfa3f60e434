package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.ChatRequested;

import reactor.core.publisher.Mono;

/**
 * What a chat request is sent to the model with besides its own messages (the tenant's prompt
 * template, the conversation's history), and what is kept of it afterwards. A refusal (unknown
 * prompt, missing variable, another tenant's conversation) is a {@link ChatFailure}.
 */
public interface ChatContext {

    /** No prompts, no history: the request as it came. */
    ChatContext NONE = new ChatContext() {
        @Override
        public Mono<PreparedChat> prepare(ChatRequested request) {
            return Mono.just(PreparedChat.asIs(request));
        }

        @Override
        public Mono<Void> remember(PreparedChat prepared, String answer) {
            return Mono.empty();
        }
    };

    /** The request as the model is to see it. */
    Mono<PreparedChat> prepare(ChatRequested request);

    /** Records the exchange ({@code answer} being the full reply) for the conversation's next request. */
    Mono<Void> remember(PreparedChat prepared, String answer);

    /**
     * The request (as it came) ended as {@code ending} says; called before its last chunk is sent,
     * answered or failed, so that what is kept of it is there when the client has its answer. Must
     * not fail (a failure would become the reply). Default: nothing.
     */
    default Mono<Void> ended(ChatRequested request, ChatEnding ending) {
        return Mono.empty();
    }
}
