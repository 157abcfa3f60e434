package dev.fleet.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.orchestrator.domain.conversations.ConversationStore.Conversation;

/**
 * The conversation store against the local PostgreSQL: an exchange is appended in one statement
 * (conversation created with it), read back with its owner in one read, in order, with its nullable
 * fields, and appending the same request again adds nothing.
 */
class R2dbcConversationStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static R2dbcConversationStore store;

    @BeforeAll
    static void migrate() {
        store = new R2dbcConversationStore(OrchestratorSchema.migratedClient());
    }

    @Test
    void appendsAnExchangeAndReadsItBackWithItsOwnerInOrder() {
        // given
        String conversation = "conv-" + UUID.randomUUID();
        ChatMessage question = message(ChatRole.USER, "What is 2 + 2?", "ada", null, null);
        ChatMessage tool = message(ChatRole.TOOL, "{\"sum\": 4}", null, "call-1", null);
        ChatMessage answer = message(ChatRole.ASSISTANT, "4", null, null, "[{\"id\":\"call-1\"}]");

        // when
        store.append(conversation, "tenant-a", "req-1", List.of(question, tool, answer)).block(WAIT);
        store.append(conversation, "tenant-a", "req-2", List.of(message(ChatRole.USER, "And 3 + 3?", null, null,
                null), message(ChatRole.ASSISTANT, "6", null, null, null))).block(WAIT);

        // then
        Conversation found = store.find(conversation).block(WAIT);
        assertThat(found).isNotNull();
        assertThat(found.tenantId()).isEqualTo("tenant-a");
        assertThat(found.messages()).extracting(ChatMessage::getContent)
                .containsExactly("What is 2 + 2?", "{\"sum\": 4}", "4", "And 3 + 3?", "6");
        assertThat(found.messages().get(0)).isEqualTo(question);
        assertThat(found.messages().get(1)).isEqualTo(tool);
        assertThat(found.messages().get(2)).isEqualTo(answer);
        assertThat(store.owner(conversation).block(WAIT)).isEqualTo("tenant-a");
        assertThat(store.history(conversation).block(WAIT)).isEqualTo(found.messages());
    }

    @Test
    void appendsNothingTwiceForTheSameRequest() {
        // given
        String conversation = "conv-" + UUID.randomUUID();
        List<ChatMessage> exchange = List.of(message(ChatRole.USER, "hi", null, null, null),
                message(ChatRole.ASSISTANT, "hello", null, null, null));
        store.append(conversation, "tenant-a", "req-1", exchange).block(WAIT);

        // when the request is answered again (a redelivery), even by another tenant's id
        store.append(conversation, "tenant-b", "req-1", exchange).block(WAIT);

        // then
        Conversation found = store.find(conversation).block(WAIT);
        assertThat(found.tenantId()).isEqualTo("tenant-a");
        assertThat(found.messages()).hasSize(2);
    }

    @Test
    void findsNothingForAnUnknownConversation() {
        assertThat(store.find("conv-" + UUID.randomUUID()).blockOptional(WAIT)).isEmpty();
    }

    private static ChatMessage message(ChatRole role, String content, String name, String toolCallId,
            String toolCalls) {
        return ChatMessage.newBuilder().setRole(role).setContent(content).setName(name).setToolCallId(toolCallId)
                .setToolCallsJson(toolCalls).build();
    }
}
