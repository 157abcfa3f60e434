package dev.fleet.orchestrator.domain.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ResponseAction;
import dev.fleet.events.v1.ResponseLookup;
import dev.fleet.events.v1.ResponseLookupResult;
import dev.fleet.events.v1.ResponseRequested;
import dev.fleet.events.v1.StoredResponse;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.orchestrator.domain.ChatContext;
import dev.fleet.orchestrator.domain.ChatEnding;
import dev.fleet.orchestrator.domain.ChatFailure;
import dev.fleet.schemas.ChatMessages;

import reactor.core.publisher.Mono;

/** Stored responses in the domain, over an in-memory store: what is kept, the chain history, lookups, retention. */
class StoredResponsesTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final InMemoryStore store = new InMemoryStore();
    private final ResponseRetention retention = new ResponseRetention(store, CLOCK, Duration.ofDays(30),
            Duration.ofHours(1));
    private final List<String> deletions = new ArrayList<>();
    private final ResponseLookups lookups = new ResponseLookups(store, (tenant, response, request, actor) ->
            Mono.fromRunnable(() -> deletions.add(tenant + " " + response + " " + request + " " + actor)), retention);

    @Test
    void shouldKeepTheInputWithoutTheInstructionsAndTheOutcome() {
        ChatContext context = new StoredResponsesContext(ChatContext.NONE, store);
        ChatRequested request = request("t1", "r1", "Be brief.", true, null, "Hi");

        context.ended(request, new ChatEnding("Hello", new TokenUsage(5, 1), null)).block();
        context.ended(request("t1", "r2", null, true, null, "Fail"), new ChatEnding("He", null,
                ChatFailure.providerUnavailable("down"))).block();
        context.ended(request("t1", "r3", null, false, null, "Unstored"), new ChatEnding("x", null, null)).block();

        StoredResponse kept = store.rows.get("t1/resp_r1");
        assertThat(kept.getInstructions()).isEqualTo("Be brief.");
        assertThat(kept.getInput()).extracting(ChatMessage::getContent).containsExactly("Hi");
        assertThat(kept.getOutputText()).isEqualTo("Hello");
        assertThat(kept.getStatus()).isEqualTo("completed");
        assertThat(kept.getUsage()).isEqualTo(new TokenUsage(5, 1));
        StoredResponse failed = store.rows.get("t1/resp_r2");
        assertThat(failed.getStatus()).isEqualTo("failed");
        assertThat(failed.getError().getType()).isEqualTo(ErrorType.SERVER_ERROR);
        assertThat(failed.getOutputText()).isEqualTo("He");
        assertThat(store.rows).doesNotContainKey("t1/resp_r3");
    }

    @Test
    void shouldKeepTheToolCallsOfAnAnswerAndContinueWithThem() {
        // given a response whose answer called a tool
        String calls = "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"arguments\":\"{}\"}}]";
        ChatRequested request = request("t1", "r1", null, true, null, "Weather?");
        request.getResponse().setToolsJson("[{\"type\":\"function\",\"name\":\"f\"}]");
        request.getResponse().setTextFormatJson("{\"type\":\"json_object\"}");
        new StoredResponsesContext(ChatContext.NONE, store).ended(request,
                new ChatEnding("", new TokenUsage(5, 1), null, calls)).block();
        // when
        List<ChatMessage> history = new PreviousResponses(store, retention).history("t1", "resp_r1").block();
        // then
        StoredResponse kept = store.rows.get("t1/resp_r1");
        assertThat(kept.getOutputToolCallsJson()).isEqualTo(calls);
        assertThat(kept.getToolsJson()).contains("\"f\"");
        assertThat(kept.getTextFormatJson()).contains("json_object");
        assertThat(history).hasSize(2);
        assertThat(history.get(1).getRole()).isEqualTo(ChatRole.ASSISTANT);
        assertThat(history.get(1).getToolCallsJson()).isEqualTo(calls);
    }

    @Test
    void shouldNotFailTheAnswerWhenTheResponseCannotBeStored() {
        ResponseStore broken = new InMemoryStore() {
            @Override
            public Mono<Void> save(String tenantId, StoredResponse response) {
                return Mono.error(new IllegalStateException("database down"));
            }
        };
        ChatContext context = new StoredResponsesContext(ChatContext.NONE, broken);

        context.ended(request("t1", "r1", null, true, null, "Hi"), new ChatEnding("Hello", null, null)).block();
    }

    @Test
    void shouldBuildTheHistoryOfAChainOldestFirstWithoutInstructions() {
        store.rows.put("t1/resp_a", stored("resp_a", null, "Be brief.", "My name is Ada.", "Hello Ada", NOW));
        store.rows.put("t1/resp_b", stored("resp_b", "resp_a", null, "And?", "", NOW));
        store.rows.put("t1/resp_c", stored("resp_c", "resp_b", null, "Who am I?", "Ada", NOW));

        List<ChatMessage> history = new PreviousResponses(store, retention).history("t1", "resp_c").block();

        assertThat(history).extracting(m -> m.getRole() + ": " + m.getContent()).containsExactly(
                "USER: My name is Ada.", "ASSISTANT: Hello Ada", "USER: And?", "USER: Who am I?", "ASSISTANT: Ada");
    }

    @Test
    void shouldRefuseAPreviousResponseOfAnotherTenantOrPastItsRetention() {
        store.rows.put("t1/resp_a", stored("resp_a", null, null, "Hi", "Hello", NOW));
        store.rows.put("t1/resp_old", stored("resp_old", null, null, "Hi", "Hello", NOW.minus(Duration.ofDays(31))));
        PreviousResponses previous = new PreviousResponses(store, retention);

        for (String[] asked : List.of(new String[] {"t2", "resp_a"}, new String[] {"t1", "resp_old"})) {
            assertThatThrownBy(() -> previous.history(asked[0], asked[1]).block())
                    .isInstanceOfSatisfying(ChatFailure.class, f -> {
                        assertThat(f.type()).isEqualTo(ErrorType.NOT_FOUND_ERROR);
                        assertThat(f.getMessage()).isEqualTo("Previous response with id '" + asked[1] + "' not found.");
                    });
        }
    }

    @Test
    void shouldRetrieveAndDeleteOnlyTheTenantsResponse() {
        store.rows.put("t1/resp_a", stored("resp_a", null, null, "Hi", "Hello", NOW));

        ResponseLookupResult intruder = lookups.answer(lookup("t2", "resp_a", ResponseAction.DELETE)).block();
        ResponseLookupResult found = lookups.answer(lookup("t1", "resp_a", ResponseAction.RETRIEVE)).block();
        ResponseLookupResult deleted = lookups.answer(lookup("t1", "resp_a", ResponseAction.DELETE)).block();
        ResponseLookupResult gone = lookups.answer(lookup("t1", "resp_a", ResponseAction.RETRIEVE)).block();

        assertThat(intruder.getError().getType()).isEqualTo(ErrorType.NOT_FOUND_ERROR);
        assertThat(found.getResponse().getOutputText()).isEqualTo("Hello");
        assertThat(deleted.getDeleted()).isTrue();
        assertThat(deletions).containsExactly("t1 resp_a req-resp_a key-1");
        assertThat(gone.getError().getType()).isEqualTo(ErrorType.NOT_FOUND_ERROR);
        assertThat(gone.getError().getMessage()).isEqualTo("Response with id 'resp_a' not found.");
    }

    @Test
    void shouldAnswerAStoreFailureAsAServerErrorNotSilence() {
        ResponseStore broken = new InMemoryStore() {
            @Override
            public Mono<StoredResponse> find(String tenantId, String responseId, Instant notBefore) {
                return Mono.error(new IllegalStateException("database down"));
            }
        };
        ResponseLookupResult result = new ResponseLookups(broken, (t, r, q, a) -> Mono.empty(), retention)
                .answer(lookup("t1", "resp_a", ResponseAction.RETRIEVE)).block();

        assertThat(result.getError().getType()).isEqualTo(ErrorType.SERVER_ERROR);
    }

    @Test
    void shouldPurgeOnlyResponsesPastTheRetention() {
        store.rows.put("t1/resp_new", stored("resp_new", null, null, "Hi", "Hello", NOW.minus(Duration.ofDays(29))));
        store.rows.put("t1/resp_old", stored("resp_old", null, null, "Hi", "Hello", NOW.minus(Duration.ofDays(31))));

        assertThat(retention.purge().block()).isEqualTo(1);
        assertThat(store.rows).containsOnlyKeys("t1/resp_new");
    }

    private static ResponseLookup lookup(String tenant, String id, ResponseAction action) {
        return ResponseLookup.newBuilder().setRequestId("l1").setTenantId(tenant).setResponseId(id).setAction(action)
                .setActor("key-1").setReplyTo("gw").setRequestedAt(NOW).build();
    }

    private static ChatRequested request(String tenant, String requestId, String instructions, boolean store,
            String previous, String input) {
        List<ChatMessage> messages = new ArrayList<>();
        if (instructions != null) {
            messages.add(ChatMessages.text(ChatRole.SYSTEM, instructions));
        }
        messages.add(ChatMessages.text(ChatRole.USER, input));
        return ChatRequested.newBuilder().setRequestId(requestId).setTenantId(tenant).setConversationId("c")
                .setModel("m").setMessages(messages).setStream(false).setMetadata(Map.of()).setReplyTo("gw")
                .setRequestedAt(NOW)
                .setResponse(ResponseRequested.newBuilder().setResponseId("resp_" + requestId).setStore(store)
                        .setPreviousResponseId(previous).setInstructions(instructions).build())
                .build();
    }

    private static StoredResponse stored(String id, String previous, String instructions, String input, String output,
            Instant createdAt) {
        return StoredResponse.newBuilder().setResponseId(id).setRequestId("req-" + id).setModel("m")
                .setStatus("completed").setCreatedAt(createdAt).setInstructions(instructions)
                .setInput(List.of(ChatMessages.text(ChatRole.USER, input))).setOutputText(output)
                .setPreviousResponseId(previous).build();
    }

    /** Rows by tenant + "/" + id, with the store's semantics (tenant-scoped, retention cutoff, chain newest first). */
    static class InMemoryStore implements ResponseStore {

        final Map<String, StoredResponse> rows = new ConcurrentHashMap<>();

        @Override
        public Mono<Void> save(String tenantId, StoredResponse response) {
            return Mono.fromRunnable(() -> rows.put(tenantId + "/" + response.getResponseId(), response));
        }

        @Override
        public Mono<StoredResponse> find(String tenantId, String responseId, Instant notBefore) {
            return Mono.justOrEmpty(rows.get(tenantId + "/" + responseId))
                    .filter(r -> !r.getCreatedAt().isBefore(notBefore));
        }

        @Override
        public Mono<List<StoredResponse>> chain(String tenantId, String responseId, Instant notBefore, int limit) {
            List<StoredResponse> chain = new ArrayList<>();
            String next = responseId;
            while (next != null && chain.size() < limit) {
                StoredResponse found = find(tenantId, next, notBefore).block();
                if (found == null) {
                    break;
                }
                chain.add(found);
                next = found.getPreviousResponseId();
            }
            return Mono.just(chain);
        }

        @Override
        public Mono<Boolean> delete(String tenantId, String responseId, Function<String, Mono<Void>> alsoInTransaction) {
            StoredResponse removed = rows.remove(tenantId + "/" + responseId);
            return removed == null ? Mono.just(false) : alsoInTransaction.apply(removed.getRequestId()).thenReturn(true);
        }

        @Override
        public Mono<Long> purgeCreatedBefore(Instant cutoff) {
            List<String> old = rows.entrySet().stream().filter(e -> e.getValue().getCreatedAt().isBefore(cutoff))
                    .map(Map.Entry::getKey).sorted(Comparator.naturalOrder()).toList();
            old.forEach(rows::remove);
            return Mono.just((long) old.size());
        }
    }
}
