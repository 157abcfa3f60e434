package dev.fleet.orchestrator.domain;

import java.util.List;
import java.util.Set;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The model that is always there: answers the last user message with passages of the tenant's
 * knowledge collection (request metadata {@code collection}), found by the embedding-worker and
 * the scorer, streamed word by word. Works offline; it quotes, it does not reason.
 */
public final class ExtractiveProvider implements ChatProvider {

    public static final String MODEL = "extractive";
    public static final String COLLECTION_METADATA = "collection";

    private final ExtractiveAnswer answers;
    private final ReplyChunker chunker;
    private final String defaultCollection;
    private final int topK;

    public ExtractiveProvider(ExtractiveAnswer answers, ReplyChunker chunker, String defaultCollection, int topK) {
        this.answers = answers;
        this.chunker = chunker;
        this.defaultCollection = defaultCollection;
        this.topK = topK;
    }

    @Override
    public String name() {
        return MODEL;
    }

    @Override
    public Set<String> models() {
        return Set.of(MODEL);
    }

    @Override
    public Flux<ProviderChunk> stream(ChatRequested request, ChatExchange exchange) {
        String query = lastUserMessage(request.getMessages());
        if (query.isBlank()) {
            return Flux.error(ChatFailure.invalidRequest("The extractive model needs a user message to answer"));
        }
        String collection = collectionOf(request);
        return exchange.search(collection, query, topK)
                .onErrorMap(e -> !(e instanceof ChatFailure),
                        e -> ChatFailure.providerUnavailable("The knowledge search did not answer: " + e.getMessage()))
                .map(hits -> answers.compose(collection, hits))
                .flatMapMany(answer -> Flux.fromIterable(chunker.split(answer)))
                .map(ProviderChunk::text)
                .switchIfEmpty(Mono.fromSupplier(() -> ProviderChunk.text(ExtractiveAnswer.noMatch(collection))));
    }

    String collectionOf(ChatRequested request) {
        String named = request.getMetadata() == null ? null : request.getMetadata().get(COLLECTION_METADATA);
        return named == null || named.isBlank() ? defaultCollection : named.trim();
    }

    static String lastUserMessage(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).getRole() == ChatRole.USER) {
                return messages.get(i).getContent();
            }
        }
        return "";
    }
}
