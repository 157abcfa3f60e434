package dev.fleet.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ItemUpserted;

class ItemSizeTest {

    @Test
    void countsUtf8BytesOfTextAndOfEveryMetadataKeyAndValue() {
        // "héllo" is 6 bytes in UTF-8, "€" 3, "🙂" 4
        ItemUpserted item = new ItemUpserted("héllo", Map.of("lang", "fr", "sign", "€🙂"));

        assertThat(ItemSize.of(item)).isEqualTo(6 + 4 + 2 + 4 + 7);
    }

    @Test
    void anItemWithoutMetadataIsItsText() {
        assertThat(ItemSize.of("abc", Map.of())).isEqualTo(3);
        assertThat(ItemSize.of("abc", null)).isEqualTo(3);
    }
}
