package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class MirrorCatchUpTest {

    private static final TopicPartition P0 = new TopicPartition("fleet.api-keys.v1", 0);

    private final ScriptedEndOffsets endOffsets = new ScriptedEndOffsets();
    private final MirrorCatchUp catchUps = new MirrorCatchUp(() -> List.of(P0), () -> endOffsets,
            Duration.ofMillis(300));

    @Test
    void completesOnceThePollThreadReportsPositionsAtTheEndOffsetsReadAfterTheCall() {
        // given
        catchUps.positionsAdvanced(Map.of(P0, 5L));
        // when
        CompletableFuture<Void> caughtUp = catchUps.request();
        endOffsets.answer(0, 7L);
        // then
        assertThat(caughtUp).isNotDone();
        catchUps.positionsAdvanced(Map.of(P0, 6L));
        assertThat(caughtUp).isNotDone();
        catchUps.positionsAdvanced(Map.of(P0, 7L));
        assertThat(caughtUp).isCompleted();
    }

    @Test
    void neverSatisfiesACallerWithEndOffsetsReadBeforeItArrivedAndRunsOneCatchUpAtATime() {
        // given: a catch-up in flight, its end offsets asked for
        catchUps.positionsAdvanced(Map.of(P0, 5L));
        CompletableFuture<Void> first = catchUps.request();
        // when: two callers arrive while it runs
        CompletableFuture<Void> second = catchUps.request();
        CompletableFuture<Void> third = catchUps.request();
        // then: they share the next catch-up, which has not asked for end offsets yet
        assertThat(endOffsets.requests).hasSize(1);
        endOffsets.answer(0, 5L);
        assertThat(first).isCompleted();
        // the next round starts only now, and reads the end offsets afresh
        assertThat(endOffsets.requests).hasSize(2);
        assertThat(second).isNotDone();
        endOffsets.answer(1, 9L);
        assertThat(second).isNotDone();
        catchUps.positionsAdvanced(Map.of(P0, 9L));
        assertThat(second).isCompleted();
        assertThat(third).isCompleted();
        assertThat(endOffsets.requests).hasSize(2);
    }

    @Test
    void failsAfterTheBoundAndLetsTheNextCatchUpStart() throws Exception {
        // given: end offsets that never arrive
        CompletableFuture<Void> stuck = catchUps.request();
        CompletableFuture<Void> waiting = catchUps.request();
        // when / then
        assertThat(catchFailure(stuck)).isInstanceOf(java.util.concurrent.TimeoutException.class);
        // the timeout completes the round on the timer's thread, which then starts the next one
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(endOffsets.requests).hasSize(2));
        catchUps.positionsAdvanced(Map.of(P0, 3L));
        endOffsets.answer(1, 3L);
        assertThat(waiting.get(1, TimeUnit.SECONDS)).isNull();
    }

    private static Throwable catchFailure(CompletableFuture<Void> future) throws Exception {
        try {
            future.get(2, TimeUnit.SECONDS);
            throw new AssertionError("expected the catch-up to fail");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** End offsets answered by the test, one request at a time. */
    private static final class ScriptedEndOffsets implements EndOffsets {
        final List<CompletableFuture<Map<TopicPartition, Long>>> requests = Collections.synchronizedList(new ArrayList<>());

        @Override
        public synchronized CompletionStage<Map<TopicPartition, Long>> latest(Collection<TopicPartition> partitions,
                Duration timeout) {
            CompletableFuture<Map<TopicPartition, Long>> answer = new CompletableFuture<>();
            requests.add(answer);
            return answer;
        }

        void answer(int request, long endOffset) {
            CompletableFuture<Map<TopicPartition, Long>> answer;
            synchronized (this) {
                answer = requests.get(request);
            }
            answer.complete(Map.of(P0, endOffset));
        }
    }
}
