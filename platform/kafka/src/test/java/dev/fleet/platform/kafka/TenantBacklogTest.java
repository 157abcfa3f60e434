package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** How {@link TenantBacklog.PartitionSample} turns what was read of a partition's backlog into counts. */
class TenantBacklogTest {

    @Test
    void countsExactlyWhenTheWholeBacklogWasRead() {
        // given a backlog of offsets 10..13, all read
        TenantBacklog.PartitionSample sample = new TenantBacklog.PartitionSample(10, 14);
        sample.accept(10, "a");
        sample.accept(11, "b");
        sample.accept(12, "a");
        sample.accept(13, "a");
        sample.reached(14);

        // then
        assertThat(sample.done()).isTrue();
        assertThat(sample.estimate()).isEqualTo(Map.of("a", 3L, "b", 1L));
    }

    @Test
    void scalesTheReadHeadToTheWholeBacklogAndIgnoresRecordsPastTheLimit() {
        // given a backlog of 100 offsets, limited to the first 10: 7 of tenant a, 3 of b
        TenantBacklog.PartitionSample sample = new TenantBacklog.PartitionSample(0, 100);
        sample.limit(10);
        for (int offset = 0; offset < 12; offset++) { // a poll may return more than the limit
            sample.accept(offset, offset < 7 ? "a" : "b");
        }
        sample.reached(12);

        // then only the 10 within the limit count, scaled by 100 / 10
        assertThat(sample.done()).isTrue();
        assertThat(sample.covered()).isEqualTo(10);
        assertThat(sample.estimate()).isEqualTo(Map.of("a", 70L, "b", 30L));
    }

    @Test
    void attributesABacklogNothingCouldBeReadOfToTheUnknownTenant() {
        // given a backlog of 5 nothing was read of before the time ran out
        TenantBacklog.PartitionSample sample = new TenantBacklog.PartitionSample(20, 25);

        // then
        assertThat(sample.done()).isFalse();
        assertThat(sample.estimate()).isEqualTo(Map.of(TenantBacklog.UNKNOWN_TENANT, 5L));
    }

    @Test
    void reportsNothingForAPartitionWithoutBacklog() {
        assertThat(new TenantBacklog.PartitionSample(7, 7).estimate()).isEmpty();
    }
}
