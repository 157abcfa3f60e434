package dev.fleet.orchestrator.domain.conversations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.orchestrator.domain.ChatFailure;
import dev.fleet.orchestrator.domain.PreparedChat;
import dev.fleet.orchestrator.domain.prompts.PromptConfig;
import dev.fleet.orchestrator.domain.prompts.PromptRegistry;
import dev.fleet.orchestrator.domain.prompts.PromptResolver;
import dev.fleet.platform.tokens.TokenCounter;
import dev.fleet.schemas.ChatMessages;

import reactor.core.publisher.Mono;

class PromptAndHistoryContextTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private final InMemoryConversations conversations = new InMemoryConversations();
    private final PromptRegistry registry = new PromptRegistry();

    @Test
    void shouldPrependTheRenderedPromptThenTheHistoryThenTheNewTurn() {
        // given
        registry.apply(PromptRegistry.key("t1", "support"), PromptConfig.empty("t1", "support", NOW)
                .withVersion("You are a {{tone}} assistant.", List.of("production"), NOW));
        PromptAndHistoryContext context = context(8192);
        ChatRequested first = request("t1", "c1", Map.of("prompt", "support", "var_tone", "calm"), "What is Kafka?");
        PreparedChat prepared = context.prepare(first).block();
        context.remember(prepared, "A log.").block();

        // when
        PreparedChat second = context.prepare(
                request("t1", "c1", Map.of("prompt", "support", "var_tone", "calm"), "And a topic?")).block();

        // then
        assertThat(second.request().getMessages()).extracting(ChatMessage::getRole, ChatMessage::getContent)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ChatRole.SYSTEM, "You are a calm assistant."),
                        org.assertj.core.groups.Tuple.tuple(ChatRole.USER, "What is Kafka?"),
                        org.assertj.core.groups.Tuple.tuple(ChatRole.ASSISTANT, "A log."),
                        org.assertj.core.groups.Tuple.tuple(ChatRole.USER, "And a topic?"));
        assertThat(second.promptName()).isEqualTo("support");
        assertThat(second.promptVersion()).isEqualTo(1);
        assertThat(second.historyKept()).isEqualTo(2);
        assertThat(second.historyDropped()).isZero();
    }

    @Test
    void shouldDropOldTurnsBeyondTheModelsContextBudget() {
        // given: a long conversation and a small context window
        PromptAndHistoryContext context = context(300);
        for (int i = 0; i < 20; i++) {
            PreparedChat turn = context.prepare(request("t1", "c2", Map.of(), "question number " + i)).block();
            context.remember(turn, "answer number " + i + " with a few more words to take up room").block();
        }

        // when
        PreparedChat next = context.prepare(request("t1", "c2", Map.of(), "last question")).block();

        // then
        assertThat(next.historyDropped()).isPositive();
        assertThat(next.historyKept() + next.historyDropped()).isEqualTo(40);
        assertThat(TokenCounter.cl100k().promptTokens(next.request().getMessages())).isLessThanOrEqualTo(300 - 100);
        assertThat(next.request().getMessages().get(next.request().getMessages().size() - 2).getContent())
                .startsWith("answer number 19");
    }

    @Test
    void shouldRefuseAnotherTenantsConversationAsNotFound() {
        // given
        PromptAndHistoryContext context = context(8192);
        context.remember(context.prepare(request("t1", "c3", Map.of(), "mine")).block(), "yes").block();

        // when / then
        assertThatThrownBy(() -> context.prepare(request("t2", "c3", Map.of(), "let me read it")).block())
                .isInstanceOfSatisfying(ChatFailure.class,
                        f -> assertThat(f.type()).isEqualTo(ErrorType.NOT_FOUND_ERROR))
                .hasMessageContaining("no conversation 'c3'");
    }

    private PromptAndHistoryContext context(int contextTokens) {
        return new PromptAndHistoryContext(new PromptResolver(registry), conversations,
                new HistoryTrimmer(TokenCounter.cl100k()), new ContextBudgets(contextTokens, Map.of(), 100));
    }

    private static ChatRequested request(String tenant, String conversation, Map<String, String> metadata,
            String question) {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(tenant)
                .setConversationId(conversation)
                .setModel("m")
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, question)))
                .setStream(false)
                .setMetadata(metadata)
                .setReplyTo("gw")
                .setRequestedAt(NOW)
                .build();
    }

    private static final class InMemoryConversations implements ConversationStore {
        final Map<String, String> owners = new ConcurrentHashMap<>();
        final Map<String, List<ChatMessage>> messages = new ConcurrentHashMap<>();

        @Override
        public Mono<String> owner(String conversationId) {
            return Mono.justOrEmpty(owners.get(conversationId));
        }

        @Override
        public Mono<List<ChatMessage>> history(String conversationId) {
            return Mono.just(List.copyOf(messages.getOrDefault(conversationId, List.of())));
        }

        @Override
        public Mono<Void> append(String conversationId, String tenantId, String requestId, List<ChatMessage> added) {
            return Mono.fromRunnable(() -> {
                owners.putIfAbsent(conversationId, tenantId);
                messages.computeIfAbsent(conversationId, id -> new ArrayList<>()).addAll(added);
            });
        }
    }
}
