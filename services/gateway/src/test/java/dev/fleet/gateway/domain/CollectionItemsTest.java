package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ItemDeleted;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemStorage;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;

import reactor.core.publisher.Mono;

class CollectionItemsTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    private final List<ItemEvent> published = new ArrayList<>();
    private final ItemStorageLimits limits = new ItemStorageLimits(Clock.fixed(NOW, ZoneOffset.UTC));
    private final CollectionItems items = new CollectionItems((tenant, events) -> {
        published.addAll(events);
        return Mono.empty();
    }, limits, Clock.fixed(NOW, ZoneOffset.UTC));

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
    void shouldPublishNothingWhenTheUpsertWouldExceedTheTenantsItemLimit() {
        // given a tenant allowed 3 items that stores 2
        limits.applyTenant("t1", tenant("t1", 3L, null, null));
        limits.applyStorage("t1", new ItemStorage("t1", 2L, 10L, NOW));

        // when it upserts 2 more
        assertThatThrownBy(() -> items.upsert("t1", "docs", List.of(new ItemUpsert("a", "Alpha", Map.of()),
                new ItemUpsert("b", "Beta", Map.of()))).block())
                .isInstanceOf(ItemQuotaExceededException.class).hasMessageContaining("limit of 3 items");

        // then nothing is published, while one more fits
        assertThat(published).isEmpty();
        assertThat(items.upsert("t1", "docs", List.of(new ItemUpsert("a", "Alpha", Map.of()))).block()).isEqualTo(1);
    }

    @Test
    void shouldPublishNothingWhenOneItemIsOverThePerItemCap() {
        // given a tenant whose items may be 8 bytes each
        limits.applyTenant("t1", tenant("t1", null, null, 8L));

        // when the second item is 9 bytes (text and metadata)
        assertThatThrownBy(() -> items.upsert("t1", "docs", List.of(new ItemUpsert("a", "Alpha", Map.of()),
                new ItemUpsert("b", "Beta", Map.of("k", "vvvv")))).block())
                .isInstanceOfSatisfying(ItemTooLargeException.class, e -> assertThat(e.index()).isEqualTo(1));

        // then
        assertThat(published).isEmpty();
    }

    static Tenant tenant(String id, Long maxItems, Long maxStoredBytes, Long maxItemBytes) {
        return Tenant.newBuilder().setId(id).setName("Test").setPlan(Plan.FREE).setStatus(TenantStatus.ACTIVE)
                .setRequestsPerMinute(0).setTokensPerDay(0).setMaxItems(maxItems).setMaxStoredBytes(maxStoredBytes)
                .setMaxItemBytes(maxItemBytes).setUpdatedAt(NOW).build();
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
