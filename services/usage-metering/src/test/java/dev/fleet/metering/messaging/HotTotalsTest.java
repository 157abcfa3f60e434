package dev.fleet.metering.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HotTotalsTest {

    private KeyValueStore<String, Long> store;
    private HotTotals totals;

    @BeforeEach
    void store() {
        store = MockStores.store(MockStores.context("hot-totals-test"), "totals", Serdes.Long());
        totals = new HotTotals(store);
    }

    @Test
    void readsWhatTheStoreHeldAndWritesEveryChangeThrough() {
        // given a total committed earlier, and a key with none
        store.put("a", 5L);

        // then
        assertThat(totals.get("a")).isEqualTo(5L);
        assertThat(totals.get("b")).isNull();

        // when
        totals.put("a", 7L);
        totals.put("b", 1L);
        totals.delete("a");

        // then the store holds every change, and reads see them
        assertThat(store.get("a")).isNull();
        assertThat(store.get("b")).isEqualTo(1L);
        assertThat(totals.get("a")).isNull();
        assertThat(totals.get("b")).isEqualTo(1L);
    }

    @Test
    void answersARecentKeyFromMemoryAndAnEvictedOneFromTheStore() {
        // given "a" read once, then changed behind the reader's back (only its owner may write)
        store.put("a", 5L);
        totals.get("a");
        store.put("a", 6L);

        // then the read is remembered
        assertThat(totals.get("a")).isEqualTo(5L);

        // when as many other keys are read as it holds
        for (int i = 0; i < HotTotals.CAPACITY; i++) {
            totals.get("k" + i);
        }

        // then "a" was let go and is read from the store again
        assertThat(totals.get("a")).isEqualTo(6L);
    }
}
