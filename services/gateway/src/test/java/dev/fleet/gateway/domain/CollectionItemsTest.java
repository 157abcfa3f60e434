package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ItemDeleted;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemUpserted;

import reactor.core.publisher.Mono;

class CollectionItemsTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    private final List<ItemEvent> published = new ArrayList<>();
    private final CollectionItems items = new CollectionItems((tenant, events) -> {
        published.addAll(events);
        return Mono.empty();
    }, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void shouldPublishOneUpsertPerItem() {
        // when
        Integer accepted = items.upsert("t1", "docs", List.of(new ItemUpsert("a", "Alpha", Map.of("k", "v")),
                new ItemUpsert("b", "Beta", Map.of()))).block();
        // then
        assertThat(accepted).isEqualTo(2);
        assertThat(published).extracting(ItemEvent::getItemId).containsExactly("a", "b");
        ItemEvent first = published.get(0);
        assertThat(first.getTenantId()).isEqualTo("t1");
        assertThat(first.getCollection()).isEqualTo("docs");
        assertThat(first.getOccurredAt()).isEqualTo(NOW);
        assertThat(first.getChange()).isEqualTo(new ItemUpserted("Alpha", Map.of("k", "v")));
    }

    @Test
    void shouldPublishDeletion() {
        items.delete("t1", "docs", "a").block();

        assertThat(published).singleElement().satisfies(e -> {
            assertThat(e.getItemId()).isEqualTo("a");
            assertThat(e.getChange()).isInstanceOf(ItemDeleted.class);
        });
    }
}
