package dev.fleet.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

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

    private final FleetPublisher publisher = mock(FleetPublisher.class);
    private final ReplyRouter<ChatChunk> router = new ReplyRouter<>(FleetTopics.CHAT_REPLIES.name(),
            chunk -> chunk.getFinishReason() != null);
    private final KafkaChatRequestChannel channel = new KafkaChatRequestChannel(publisher, router);

    @Test
    void shouldRegisterForRepliesBeforePublishingKeyedByConversationNamingItsReplyPartition() {
        // given a replica that owns reply partition 4
        router.assigned(List.of(4));
        AtomicInteger pendingWhenPublished = new AtomicInteger(-1);
        AtomicReference<ChatRequested> published = new AtomicReference<>();
        when(publisher.publish(eq(FleetTopics.CHAT_REQUESTS), eq("conv-1"), any(ChatRequested.class), any()))
                .thenAnswer(invocation -> {
                    pendingWhenPublished.set(router.pendingCount());
                    published.set(invocation.getArgument(2));
                    return CompletableFuture.completedFuture(null);
                });
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
        when(publisher.publish(eq(FleetTopics.CHAT_REQUESTS), any(), any(ChatRequested.class), any()))
                .thenReturn(CompletableFuture.completedFuture(null));
        Flux<ChatChunk> replies = channel.send(request()).block();
        // when
        router.revoked(List.of(2));
        // then
        StepVerifier.create(replies).expectError(EventBusUnavailableException.class).verify(Duration.ofSeconds(1));
    }

    @Test
    void shouldForgetRequestAndReportUnavailableWhenPublishFails() {
        router.assigned(List.of(0));
        when(publisher.publish(eq(FleetTopics.CHAT_REQUESTS), any(), any(ChatRequested.class), any()))
                .thenReturn(CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException(
                        "Topic fleet.chat.requests.v1 not present in metadata after 5000 ms.")));

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
