package dev.fleet.orchestrator.domain;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.events.v1.UsageRecorded;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What settles one chat request: its usage and the events that close it (outcome, stream end,
 * experiment outcome), collected while the request is announced, so that {@link ProcessedRequests#settle}
 * writes them together with the request's "answered" mark, all or nothing. The announcing code sees
 * it as the request's {@link ChatExchange}: usage and events are kept here instead of being sent,
 * searches go to the request's exchange, and replies are not part of a settlement.
 */
public final class ChatSettlement implements ChatExchange {

    /** One usage record and the event id it is published under. */
    public record Usage(String eventId, UsageRecorded usage) {
    }

    private final ChatExchange exchange;
    private final List<Usage> usage = new CopyOnWriteArrayList<>();
    private final List<DomainEvent> events = new CopyOnWriteArrayList<>();

    public ChatSettlement(ChatExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public Mono<Void> reply(ChatChunk chunk) {
        return Mono.error(new IllegalStateException("a settlement holds no reply chunks"));
    }

    @Override
    public Mono<Void> usage(String eventId, UsageRecorded recorded) {
        return Mono.fromRunnable(() -> usage.add(new Usage(eventId, recorded)));
    }

    @Override
    public Mono<Void> event(DomainEvent event) {
        return Mono.fromRunnable(() -> events.add(event));
    }

    @Override
    public Mono<List<ScoredItem>> search(String collection, String query, int topK) {
        return exchange.search(collection, query, topK);
    }

    @Override
    public String traceparent() {
        return exchange.traceparent();
    }

    /** The usage records, in the order they were given. */
    public List<Usage> usageRecords() {
        return List.copyOf(usage);
    }

    /** The events, in the order they were given. */
    public List<DomainEvent> events() {
        return List.copyOf(events);
    }

    /**
     * Sends everything through the request's own exchange, one record after another: settlement
     * without a mark, for {@link ProcessedRequests} that keep none (tests, tools).
     */
    public Mono<Void> sendThroughExchange() {
        return Flux.fromIterable(usageRecords()).concatMap(u -> exchange.usage(u.eventId(), u.usage()))
                .thenMany(Flux.fromIterable(events()).concatMap(exchange::event))
                .then();
    }
}
