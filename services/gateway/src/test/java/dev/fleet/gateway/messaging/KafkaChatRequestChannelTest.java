package dev.fleet.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

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
    private final ReplyRouter<ChatChunk> router = new ReplyRouter<>(chunk -> chunk.getFinishReason() != null);
    private final KafkaChatRequestChannel channel = new KafkaChatRequestChannel(publisher, router);

    @Test
    void shouldRegisterForRepliesBeforePublishingKeyedByConversation() {
        // given
        AtomicInteger pendingWhenPublished = new AtomicInteger(-1);
        when(publisher.publish(eq(FleetTopics.CHAT_REQUESTS), eq("conv-1"), any(ChatRequested.class), any()))
                .thenAnswer(invocation -> {
                    pendingWhenPublished.set(router.pendingCount());
                    return CompletableFuture.completedFuture(null);
                });
        // when
        Flux<ChatChunk> replies = channel.send(request()).block();
        router.accept(new MirroredRecord<>("req-1", chunk(FinishReason.STOP), new RecordHeaders(), 0, 0));
        // then
        assertThat(pendingWhenPublished.get()).isEqualTo(1);
        StepVerifier.create(replies).expectNextMatches(c -> c.getFinishReason() == FinishReason.STOP).verifyComplete();
    }

    @Test
    void shouldForgetRequestAndReportUnavailableWhenPublishFails() {
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
