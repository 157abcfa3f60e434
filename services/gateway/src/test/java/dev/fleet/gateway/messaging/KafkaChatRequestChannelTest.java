package dev.fleet.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.gateway.domain.EventBusUnavailableException;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.MirroredRecord;
import dev.fleet.platform.kafka.ReplyRouter;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class KafkaChatRequestChannelTest {

    /** Real {@code send} (the fleet's ordered publish), stubbed {@code publish} underneath it. */
    private final FleetPublisher publisher = mock(FleetPublisher.class, CALLS_REAL_METHODS);
    private final ReplyRouter<ChatChunk> router = new ReplyRouter<>(FleetTopics.CHAT_REPLIES.name(),
            chunk -> chunk.getFinishReason() != null);
    private final KafkaChatRequestChannel channel = new KafkaChatRequestChannel(publisher, router);

    @Test
    void shouldRegisterForRepliesBeforePublishingKeyedByConversationNamingItsReplyPartition() {
        // given a replica that owns reply partition 4
        router.assigned(List.of(4));
        AtomicInteger pendingWhenPublished = new AtomicInteger(-1);
        AtomicReference<ChatRequested> published = new AtomicReference<>();
        doAnswer(invocation -> {
            pendingWhenPublished.set(router.pendingCount());
            published.set(invocation.getArgument(3));
            return CompletableFuture.completedFuture(null);
        }).when(publisher).publish(eq(FleetTopics.CHAT_REQUESTS), isNull(), eq("conv-1"), any(ChatRequested.class),
                any());
        // when
        Flux<ChatChunk> replies = channel.send(request()).block();
        router.accept(new MirroredRecord<>("req-1", chunk(FinishReason.STOP), new RecordHeaders(), 4, 0));
        // then
        assertThat(pendingWhenPublished.get()).isEqualTo(1);
        assertThat(published.get().getReplyPartition()).isEqualTo(4);
        StepVerifier.create(replies).expectNextMatches(c -> c.getFinishReason() == FinishReason.STOP).verifyComplete();
    }

    @Test
    void shouldReportUnavailableAndPublishNothingWithoutAReplyPartition() {
        StepVerifier.create(channel.send(request())).expectError(EventBusUnavailableException.class).verify();

        verifyNoInteractions(publisher);
    }

    @Test
    void shouldFailTheRepliesRetryablyWhenARebalanceMovesTheirPartition() {
        // given a published request awaiting chunks on partition 2
        router.assigned(List.of(2));
        doReturn(CompletableFuture.completedFuture(null)).when(publisher)
                .publish(eq(FleetTopics.CHAT_REQUESTS), isNull(), any(), any(ChatRequested.class), any());
        Flux<ChatChunk> replies = channel.send(request()).block();
        // when
        router.revoked(List.of(2));
        // then
        StepVerifier.create(replies).expectError(EventBusUnavailableException.class).verify(Duration.ofSeconds(1));
    }

    @Test
    void shouldForgetRequestAndReportUnavailableWhenPublishFails() {
        router.assigned(List.of(0));
        doReturn(CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException(
                "Topic fleet.chat.requests.v1 not present in metadata after 5000 ms."))).when(publisher)
                .publish(eq(FleetTopics.CHAT_REQUESTS), isNull(), any(), any(ChatRequested.class), any());

        StepVerifier.create(channel.send(request())).expectError(EventBusUnavailableException.class).verify();

        assertThat(router.pendingCount()).isZero();
    }

    private static ChatRequested request() {
        return ChatRequested.newBuilder().setRequestId("req-1").setTenantId("t1").setConversationId("conv-1")
                .setModel("extractive").setMessages(List.of(ChatMessages.text(ChatRole.USER, "hi"))).setStream(false)
                .setMetadata(Map.of()).setReplyTo("gateway-1").setRequestedAt(Instant.now()).build();
    }

    private static ChatChunk chunk(FinishReason finishReason) {
        return ChatChunk.newBuilder().setRequestId("req-1").setSeq(0).setModel("extractive").setDelta("")
                .setFinishReason(finishReason).build();
    }
}
