package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.FinishReason;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class ReplyAttemptsTest {

    @Test
    void streamedReplyEndsWithErrorWhenAttemptChangesAfterText() {
        // given attempt a streamed "Hel", then the request was redelivered and attempt b answers
        Flux<ChatChunk> chunks = Flux.just(chunk("a", 0, "Hel", null), chunk("b", 0, "Wor", null),
                chunk("b", 1, "ld", FinishReason.STOP));
        // when / then: the client saw a's text only, then an error, never b's text nor a clean finish
        StepVerifier.create(ReplyAttempts.streamed(chunks).map(ChatChunk::getDelta))
                .expectNext("Hel")
                .expectError(AttemptChangedException.class)
                .verify();
    }

    @Test
    void streamedReplySwitchesToNewAttemptBeforeAnyText() {
        // given attempt a sent only an empty chunk before b took over (b counts seq from 0 again)
        Flux<ChatChunk> chunks = Flux.just(chunk("a", 0, "", null), chunk("b", 0, "Wor", null),
                chunk("a", 1, "stale", null), chunk("b", 1, "ld", null), chunk("b", 2, "", FinishReason.STOP));
        // when
        List<ChatChunk> read = ReplyAttempts.streamed(chunks).collectList().block();
        // then
        assertThat(read).extracting(ChatChunk::getDelta).containsExactly("", "Wor", "ld", "");
        assertThat(read.subList(1, 4)).extracting(ChatChunk::getAttempt).containsOnly("b");
    }

    @Test
    void wholeReplyKeepsOnlyTheAttemptThatFinished() {
        // given a's partial text, then b's full answer, with a late chunk and a late finish of a
        Flux<ChatChunk> chunks = Flux.just(chunk("a", 0, "Hel", null), chunk("a", 1, "lo", null),
                chunk("b", 0, "Wor", null), chunk("a", 2, "!", FinishReason.STOP), chunk("b", 1, "ld", null),
                chunk("b", 2, "", FinishReason.STOP));
        // when
        List<ChatChunk> read = ReplyAttempts.whole(chunks).collectList().block();
        // then
        assertThat(read).extracting(ChatChunk::getDelta).containsExactly("Wor", "ld", "");
        assertThat(read).extracting(ChatChunk::getAttempt).containsOnly("b");
    }

    @Test
    void staleAttemptsLastChunkDoesNotEndTheReply() {
        // given b took over before text; a's last chunk arrives late
        Flux<ChatChunk> chunks = Flux.just(chunk("a", 0, "", null), chunk("b", 0, "Wor", null),
                chunk("a", 1, "", FinishReason.STOP), chunk("b", 1, "ld", FinishReason.STOP));
        // when / then
        StepVerifier.create(ReplyAttempts.streamed(chunks).map(ChatChunk::getDelta))
                .expectNext("", "Wor", "ld")
                .verifyComplete();
    }

    @Test
    void dropsRedeliveredChunksPerAttempt() {
        // given a's chunks re-sent, and b's after the switch re-sent too
        Flux<ChatChunk> chunks = Flux.just(chunk("a", 0, "", null), chunk("a", 0, "", null),
                chunk("b", 0, "x", null), chunk("b", 0, "x", null), chunk("b", 1, "y", null),
                chunk("b", 1, "y", null), chunk("b", 2, "", FinishReason.STOP));
        // when / then
        StepVerifier.create(ReplyAttempts.streamed(chunks).map(c -> c.getAttempt() + c.getSeq()))
                .expectNext("a0", "b0", "b1", "b2")
                .verifyComplete();
    }

    @Test
    void endsAtFollowedAttemptsLastChunkWithoutWaitingForTheSource() {
        // given a source that never completes by itself (the reply router no longer completes it)
        Flux<ChatChunk> chunks = Flux.concat(Flux.just(chunk("a", 0, "Hi", null),
                chunk("a", 1, "", FinishReason.STOP)), Flux.never());
        // when / then
        StepVerifier.create(ReplyAttempts.whole(chunks).map(ChatChunk::getDelta))
                .expectNext("Hi", "")
                .verifyComplete();
    }

    private static ChatChunk chunk(String attempt, int seq, String delta, FinishReason finish) {
        return ChatChunk.newBuilder().setRequestId("r").setSeq(seq).setModel("m").setDelta(delta)
                .setFinishReason(finish).setAttempt(attempt).build();
    }
}
