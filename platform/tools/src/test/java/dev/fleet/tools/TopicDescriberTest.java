package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.fleet.schemas.FleetTopics;

class TopicDescriberTest {

    @Test
    void describesTheCatalogEntryAndEveryReleasedVersionWithItsFields() {
        // when
        String text = TopicDescriber.describe(FleetTopics.CHAT_REPLIES.name());

        // then: the catalog entry
        assertThat(text).contains("| key | requestId |", "| value | `dev.fleet.events.v1.ChatChunk` |",
                "| partitions | 6 |", "| cleanup | delete |", "| retention | 1 h |", "| producers | orchestrator |",
                "| consumers | gateway |");
        // and the history: v1 without the attempt field, v2 (today's) with it
        int v1 = text.indexOf("### v1");
        int v2 = text.indexOf("### v2");
        assertThat(v1).isPositive();
        assertThat(v2).isGreaterThan(v1);
        assertThat(text.substring(v1, v2)).contains("| `requestId` |").doesNotContain("| `attempt` |");
        assertThat(text.substring(v2)).contains("| `attempt` | string |", "(current)");
    }

    @Test
    void describesADeadLetterTopicByItsSource() {
        String text = TopicDescriber.describe(FleetTopics.USAGE.dlq());

        assertThat(text).contains("Dead letters of `fleet.usage.v1`", "dev.fleet.events.v1.UsageRecorded", "### v1");
    }

    @Test
    void refusesATopicOutsideTheCatalog() {
        assertThatThrownBy(() -> TopicDescriber.describe("orders.v1"))
                .isInstanceOf(UsageException.class).hasMessageContaining("not in the topic catalog");
    }
}
