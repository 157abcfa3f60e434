package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnreadableRecordsTest {

    private final UnreadableRecords unreadable = new UnreadableRecords();

    @Test
    void reportsTheOldestUnreadableRecordUntilALaterRecordOfItsKeyIsApplied() {
        // given
        unreadable.failed("k1", new MirrorFailure("fleet.api-keys.v1", 0, 10, "boom"));
        unreadable.failed("k2", new MirrorFailure("fleet.api-keys.v1", 1, 4, "boom"));
        unreadable.failed("k1", new MirrorFailure("fleet.api-keys.v1", 0, 12, "boom"));
        // when another key is applied, then nothing changes
        unreadable.applied("k3");
        assertThat(unreadable.oldest()).get().extracting(MirrorFailure::offset).isEqualTo(10L);
        // when k1 is written again, then k2's failure is what remains
        unreadable.applied("k1");
        assertThat(unreadable.oldest()).get().extracting(MirrorFailure::offset).isEqualTo(4L);
        // when k2 is written again, then nothing remains
        unreadable.applied("k2");
        assertThat(unreadable.oldest()).isEmpty();
    }

    @Test
    void neverForgetsAnUnreadableRecordWithoutAKey() {
        unreadable.failed(null, new MirrorFailure("fleet.tenants.v1", 0, 3, "boom"));
        unreadable.applied("anything");
        assertThat(unreadable.oldest()).get().extracting(MirrorFailure::partition).isEqualTo(0);
    }
}
