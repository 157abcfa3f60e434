package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.FinishReason;

import reactor.test.StepVerifier;

class ReplyRouterTest {

    private final ReplyRouter<ChatChunk> router = new ReplyRouter<>("replies",
            chunk -> chunk.getFinishReason() != null);

    @Test
    void shouldDeliverChunksInOrderAndCompleteOnTheLast() {
        router.assigned(List.of(0));
        var replies = router.register("r1").replies();

        router.accept(record("r1", chunk("r1", 0, null)));
        router.accept(record("r2", chunk("r2", 0, null)));
        router.accept(record("r1", chunk("r1", 1, FinishReason.STOP)));

        StepVerifier.create(replies)
                .assertNext(c -> assertThat(c.getSeq()).isZero())
                .assertNext(c -> assertThat(c.getFinishReason()).isEqualTo(FinishReason.STOP))
                .verifyComplete();
        assertThat(router.pendingCount()).isZero();
    }

    @Test
    void shouldPinRequestsRoundRobinToTheOwnedPartitions() {
        router.assigned(List.of(4, 1));

        List<Integer> pinned = List.of(router.register("a").partition(), router.register("b").partition(),
                router.register("c").partition());

        assertThat(router.partitions()).containsExactly(1, 4);
        assertThat(pinned).containsExactly(1, 4, 1);
    }

    @Test
    void shouldRefuseToRegisterWithoutAnOwnedPartition() {
        assertThat(router.isReady()).isFalse();

        assertThatThrownBy(() -> router.register("r1"))
                .isInstanceOf(ReplyPartitionUnavailableException.class)
                .hasMessageContaining("owns no partition of replies");
        assertThat(router.pendingCount()).isZero();
    }

    @Test
    void shouldFailOnlyTheRequestsPinnedToARevokedPartitionAndStopUsingIt() {
        // given two requests, one on each owned partition
        router.assigned(List.of(0, 1));
        var onZero = router.register("on-0");
        var onOne = router.register("on-1");
        assertThat(List.of(onZero.partition(), onOne.partition())).containsExactly(0, 1);

        // when a rebalance takes partition 0 away
        router.revoked(List.of(0));

        // then its request fails at once, retryably; the other still gets its reply
        StepVerifier.create(onZero.replies())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ReplyPartitionUnavailableException.class)
                        .hasMessageContaining("partition 0 of replies moved"))
                .verify(Duration.ofSeconds(1));
        router.accept(record("on-1", chunk("on-1", 0, FinishReason.STOP)));
        StepVerifier.create(onOne.replies()).expectNextCount(1).verifyComplete();
        assertThat(router.partitions()).containsExactly(1);
        assertThat(router.register("next").partition()).isEqualTo(1);
    }

    @Test
    void shouldIgnoreRepliesOfRequestsItDidNotRegister() {
        // the partition came from a replica that died mid-stream: its chunks keep arriving here
        router.assigned(List.of(3));

        router.accept(record("someone-elses", chunk("someone-elses", 5, null)));
        router.accept(record("someone-elses", chunk("someone-elses", 6, FinishReason.STOP)));

        assertThat(router.pendingCount()).isZero();
        assertThat(router.isReady()).isTrue();
    }

    @Test
    void shouldReleaseARegistrationWhenItsSubscriberCancels() {
        router.assigned(List.of(0));
        var replies = router.register("r1").replies();

        StepVerifier.create(replies).thenCancel().verify(Duration.ofSeconds(1));

        assertThat(router.pendingCount()).isZero();
    }

    @Test
    void shouldCompleteAForgottenRequest() {
        router.assigned(List.of(0));
        var replies = router.register("r1").replies();

        router.forget("r1");

        StepVerifier.create(replies).verifyComplete();
        assertThat(router.pendingCount()).isZero();
    }

    @Test
    void shouldRefuseRegisteringTheSameRequestTwice() {
        router.assigned(List.of(0));
        router.register("r1");

        assertThatThrownBy(() -> router.register("r1")).isInstanceOf(IllegalStateException.class);
    }

    private static MirroredRecord<ChatChunk> record(String key, ChatChunk value) {
        return new MirroredRecord<>(key, value, new RecordHeaders(), 0, 0);
    }

    private static ChatChunk chunk(String requestId, int seq, FinishReason finish) {
        return ChatChunk.newBuilder().setRequestId(requestId).setSeq(seq).setModel("m").setDelta("x")
                .setFinishReason(finish).build();
    }
}
