package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class RandomIdsTest {

    @Test
    void makesVersion4UuidsThatNeverRepeatAcrossThreads() {
        // when four threads draw 50,000 ids each
        Set<UUID> ids = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 4).parallel().forEach(thread -> {
            for (int i = 0; i < 50_000; i++) {
                ids.add(RandomIds.uuid());
            }
        });

        // then every one is new, and each is a random (version 4, IETF variant) UUID as UUID.randomUUID() makes
        assertThat(ids).hasSize(200_000);
        assertThat(ids).allSatisfy(id -> {
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
        });
        assertThat(UUID.fromString(RandomIds.uuidString()).version()).isEqualTo(4);
    }
}
