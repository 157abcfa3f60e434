package dev.fleet.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FleetTopicsTest {

    @Test
    void namesAreUniqueAndVersioned() {
        assertThat(FleetTopics.ALL).extracting(Topic::name).doesNotHaveDuplicates()
                .allMatch(name -> name.matches("fleet\\.[a-z][a-z.-]*\\.v[0-9]+"));
    }

    @Test
    void compactedTopicsKeepRecordsForeverAndOthersExpire() {
        for (Topic<?> topic : FleetTopics.ALL) {
            if (topic.cleanup() == Cleanup.COMPACT) {
                assertThat(topic.retention()).as(topic.name()).isNull();
            } else {
                assertThat(topic.retention()).as(topic.name()).isNotNull();
            }
        }
    }

    @Test
    void everyServiceTouchesATopicAndEveryTopicHasBothEnds() {
        for (Party party : Party.values()) {
            if (party.isService()) {
                assertThat(FleetTopics.touchedBy(party)).as(party.displayName()).isNotEmpty();
            }
        }
        assertThat(FleetTopics.ALL).allMatch(t -> !t.producers().isEmpty() && !t.consumers().isEmpty());
    }

    @Test
    void lookupByNameFindsDeclaredTopicsOnly() {
        assertThat(FleetTopics.byName("fleet.tenants.v1")).contains(FleetTopics.TENANTS);
        assertThat(FleetTopics.byName("fleet.tenants.v1.dlq")).isEmpty();
        assertThat(FleetTopics.TENANTS.dlq()).isEqualTo("fleet.tenants.v1.dlq");
    }

    @Test
    void serviceNamesResolve() {
        assertThat(Party.service("embedding-worker")).isEqualTo(Party.EMBEDDING_WORKER);
    }
}
