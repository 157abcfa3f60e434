package dev.fleet.orchestrator.domain;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.events.v1.UsageRecorded;

import reactor.core.publisher.Mono;

/** A {@link ChatExchange} that keeps what it is given and answers searches from a function. */
public final class RecordingExchange implements ChatExchange {

    public final List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
    public final Map<String, UsageRecorded> usage = new java.util.concurrent.ConcurrentHashMap<>();
    public final List<DomainEvent> events = new CopyOnWriteArrayList<>();
    public final List<String> searches = new CopyOnWriteArrayList<>();
    private final BiFunction<String, String, Mono<List<ScoredItem>>> search;

    public RecordingExchange(BiFunction<String, String, Mono<List<ScoredItem>>> search) {
        this.search = search;
    }

    public RecordingExchange() {
        this((collection, query) -> Mono.just(List.of()));
    }

    @Override
    public Mono<Void> reply(ChatChunk chunk) {
        return Mono.fromRunnable(() -> chunks.add(chunk));
    }

    @Override
    public Mono<Void> usage(String eventId, UsageRecorded recorded) {
        return Mono.fromRunnable(() -> usage.put(eventId, recorded));
    }

    @Override
    public Mono<Void> event(DomainEvent event) {
        return Mono.fromRunnable(() -> events.add(event));
    }

    @Override
    public Mono<List<ScoredItem>> search(String collection, String query, int topK) {
        return Mono.defer(() -> {
            searches.add(collection + ":" + query + ":" + topK);
            return search.apply(collection, query);
        });
    }

    public String text() {
        return chunks.stream().map(ChatChunk::getDelta).reduce("", String::concat);
    }
}
