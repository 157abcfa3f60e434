package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.Acknowledgment;

class SettledOffsetsTest {

    private final SettledOffsets offsets = new SettledOffsets();
    private final List<Long> acknowledged = new ArrayList<>();

    @Test
    void acknowledgesOnlyUpToTheOldestUnsettledRequest() {
        // given: offsets 10, 11, 13 of a partition (12 was dead-lettered before the listener)
        Runnable first = receive(0, 10);
        Runnable second = receive(0, 11);
        Runnable third = receive(0, 13);

        // when: the later ones settle first
        third.run();
        second.run();

        // then: nothing may be committed yet
        assertThat(acknowledged).isEmpty();

        // when: the oldest settles
        first.run();

        // then: the newest of the settled prefix is acknowledged, once
        assertThat(acknowledged).containsExactly(13L);
        assertThat(offsets.unsettled()).isZero();
    }

    @Test
    void keepsPartitionsApart() {
        Runnable slow = receive(0, 5);
        Runnable fast = receive(1, 7);

        fast.run();

        assertThat(acknowledged).containsExactly(7L);
        slow.run();
        assertThat(acknowledged).containsExactly(7L, 5L);
    }

    @Test
    void neverAcknowledgesForAPartitionARebalanceTookAway() {
        // given
        Runnable inFlight = receive(0, 3);

        // when
        offsets.revoked(List.of(new TopicPartition("chat", 0)));
        inFlight.run();

        // then
        assertThat(acknowledged).isEmpty();
    }

    private Runnable receive(int partition, long offset) {
        Acknowledgment ack = () -> acknowledged.add(offset);
        return offsets.received(new ConsumerRecord<>("chat", partition, offset, "key", "value"), ack);
    }
}
