package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.FinishReason;

import reactor.test.StepVerifier;

class ReplyRouterTest {

    private final ReplyRouter<ChatChunk> router = new ReplyRouter<>(chunk -> chunk.getFinishReason() != null);

    @Test
    void shouldDeliverChunksInOrderAndCompleteOnTheLast() {
        var replies = router.register("r1");

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
    void shouldReleaseARegistrationWhenItsSubscriberCancels() {
        var replies = router.register("r1");

        StepVerifier.create(replies).thenCancel().verify(Duration.ofSeconds(1));

        assertThat(router.pendingCount()).isZero();
    }

    @Test
    void shouldCompleteAForgottenRequest() {
        var replies = router.register("r1");

        router.forget("r1");

        StepVerifier.create(replies).verifyComplete();
        assertThat(router.pendingCount()).isZero();
    }

    @Test
    void shouldRefuseRegisteringTheSameRequestTwice() {
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
