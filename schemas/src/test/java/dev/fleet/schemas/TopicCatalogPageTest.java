package dev.fleet.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** {@code docs/topics.md} is what the catalog says; {@code -Dfleet.docs.write=true} rewrites it. */
class TopicCatalogPageTest {

    private static final Path PAGE = Path.of("..", "docs", "topics.md");

    @Test
    void topicsPageMatchesCatalog() throws IOException {
        String rendered = TopicCatalogPage.render();
        if (Boolean.getBoolean("fleet.docs.write")) {
            Files.writeString(PAGE, rendered);
        }
        assertThat(PAGE).as("docs/topics.md is stale: mvn -pl schemas test -Dfleet.docs.write=true").exists();
        assertThat(Files.readString(PAGE))
                .as("docs/topics.md is stale: mvn -pl schemas test -Dfleet.docs.write=true")
                .isEqualTo(rendered);
    }

    @Test
    void pageListsEveryTopicWithItsValueType() {
        String rendered = TopicCatalogPage.render();
        for (Topic<?> topic : FleetTopics.ALL) {
            assertThat(rendered).contains("| `" + topic.name() + "` |").contains(topic.valueType().getSimpleName());
        }
    }
}
