package dev.fleet.orchestrator.domain.conversations;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.orchestrator.domain.ChatContext;
import dev.fleet.orchestrator.domain.ChatFailure;
import dev.fleet.orchestrator.domain.PreparedChat;
import dev.fleet.orchestrator.domain.prompts.PromptResolver;
import dev.fleet.orchestrator.domain.prompts.PromptResolver.RenderedPrompt;
import dev.fleet.orchestrator.domain.responses.PreviousResponses;
import dev.fleet.schemas.ChatMessages;

import reactor.core.publisher.Mono;

/**
 * Builds what the model is sent: the rendered prompt template (if the request selects one) as the
 * first system message, the client's system messages, the conversation's history trimmed to the
 * model's context budget (newest kept), then the client's new messages. A conversation is its
 * tenant's: another tenant's id is refused as not found. After a successful answer the client's new
 * messages and the answer are appended to the conversation.
 * <p>
 * Limits: clients continuing a conversation send only the new turn (the history is the fleet's);
 * system messages and prompts are applied per request and not stored. A turn that cannot be stored
 * (database down) is logged and left out of the history; the answer stands. Two requests of one
 * conversation answered at once would each see the history without the other (the chat topic is
 * keyed by conversation, so one consumer handles a conversation's requests in order).
 * <p>
 * A Responses API request continuing a stored response ({@code previous_response_id}) takes its
 * history from the chain of stored responses instead ({@link PreviousResponses}), trimmed the same way.
 */
public class PromptAndHistoryContext implements ChatContext {

    private static final Logger log = LoggerFactory.getLogger(PromptAndHistoryContext.class);

    private final PromptResolver prompts;
    private final ConversationStore conversations;
    private final HistoryTrimmer trimmer;
    private final ContextBudgets budgets;
    private final PreviousResponses previousResponses;

    public PromptAndHistoryContext(PromptResolver prompts, ConversationStore conversations, HistoryTrimmer trimmer,
            ContextBudgets budgets) {
        this(prompts, conversations, trimmer, budgets, null);
    }

    /** @param previousResponses the history of stored responses; null: a fleet without stored responses */
    public PromptAndHistoryContext(PromptResolver prompts, ConversationStore conversations, HistoryTrimmer trimmer,
            ContextBudgets budgets, PreviousResponses previousResponses) {
        this.previousResponses = previousResponses;
        this.prompts = prompts;
        this.conversations = conversations;
        this.trimmer = trimmer;
        this.budgets = budgets;
    }

    @Override
    public Mono<PreparedChat> prepare(ChatRequested request) {
        return Mono.fromCallable(() -> prompts.resolve(request.getTenantId(), request.getMetadata()))
                .flatMap(prompt -> history(request).map(history -> prepared(request, prompt, history)));
    }

    private Mono<List<ChatMessage>> history(ChatRequested request) {
        String previous = request.getResponse() == null ? null : request.getResponse().getPreviousResponseId();
        if (previous != null) {
            return previousResponses == null ? Mono.error(PreviousResponses.notFound(previous))
                    : previousResponses.history(request.getTenantId(), previous);
        }
        String conversationId = request.getConversationId();
        return conversations.find(conversationId)
                .flatMap(found -> found.tenantId().equals(request.getTenantId()) ? Mono.just(found.messages())
                        : Mono.<List<ChatMessage>>error(ChatFailure.notFound("there is no conversation '"
                                + conversationId + "'")))
                .defaultIfEmpty(List.of());
    }

    private PreparedChat prepared(ChatRequested request, Optional<RenderedPrompt> prompt, List<ChatMessage> history) {
        List<ChatMessage> leading = new ArrayList<>();
        prompt.ifPresent(p -> leading.add(ChatMessages.text(ChatRole.SYSTEM, p.text())));
        List<ChatMessage> fresh = new ArrayList<>();
        for (ChatMessage message : request.getMessages()) {
            (message.getRole() == ChatRole.SYSTEM ? leading : fresh).add(message);
        }
        List<ChatMessage> own = new ArrayList<>(leading);
        own.addAll(fresh);
        int budget = budgets.historyBudget(request.getModel(), trimmer.promptTokens(own), request.getMaxTokens());
        HistoryTrimmer.Trimmed trimmed = trimmer.trim(history, budget);
        List<ChatMessage> messages = new ArrayList<>(leading);
        messages.addAll(trimmed.kept());
        messages.addAll(fresh);
        ChatRequested sent = ChatRequested.newBuilder(request).setMessages(messages).build();
        return new PreparedChat(sent, List.copyOf(fresh), prompt.map(RenderedPrompt::name).orElse(null),
                prompt.map(RenderedPrompt::version).orElse(null), trimmed.kept().size(), trimmed.dropped(),
                trimmed.tokens());
    }

    @Override
    public Mono<Void> remember(PreparedChat prepared, String answer) {
        ChatRequested request = prepared.request();
        List<ChatMessage> exchange = new ArrayList<>(prepared.newMessages());
        exchange.add(ChatMessages.text(ChatRole.ASSISTANT, answer));
        // the client has its answer: a failure here loses this turn from the history, it must not re-answer
        return conversations.append(request.getConversationId(), request.getTenantId(), request.getRequestId(),
                exchange).onErrorResume(e -> {
                    log.warn("request {}: could not keep the exchange in conversation {}: {}", request.getRequestId(),
                            request.getConversationId(), e.toString());
                    return Mono.empty();
                });
    }
}
