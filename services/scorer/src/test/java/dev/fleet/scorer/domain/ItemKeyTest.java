package dev.fleet.scorer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ItemKeyTest {

    @Test
    void parsesAtTheFirstTwoSlashesSoItemIdsMayContainSlashes() {
        assertThat(ItemKey.parse("t1/docs/a/b/c")).isEqualTo(new ItemKey("t1", "docs", "a/b/c"));
        assertThat(ItemKey.parse("t1/docs/a/b/c").toString()).isEqualTo("t1/docs/a/b/c");
    }

    @Test
    void rejectsKeysWithoutThreeNonEmptyParts() {
        assertThatThrownBy(() -> ItemKey.parse("t1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ItemKey.parse("t1/docs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ItemKey.parse("/docs/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ItemKey.parse("t1/docs/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ItemKey.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
