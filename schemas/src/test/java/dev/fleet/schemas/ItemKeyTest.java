package dev.fleet.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ItemKeyTest {

    @Test
    void parsesAtTheFirstTwoSlashesSoItemIdsMayContainSlashes() {
        // when
        ItemKey key = ItemKey.parse("tenant-1/docs/guides/setup.md");

        // then
        assertThat(key).isEqualTo(new ItemKey("tenant-1", "docs", "guides/setup.md"));
        assertThat(key.toString()).isEqualTo("tenant-1/docs/guides/setup.md");
    }

    @Test
    void rejectsKeysWithoutThreeNonEmptyParts() {
        assertThatThrownBy(() -> ItemKey.parse("tenant-1/docs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ItemKey.parse("tenant-1//item")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ItemKey.parse("tenant-1/docs/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ItemKey.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesSlashesInTenantOrCollection() {
        assertThatThrownBy(() -> new ItemKey("t/1", "docs", "x")).hasMessageContaining("tenantId");
    }
}
