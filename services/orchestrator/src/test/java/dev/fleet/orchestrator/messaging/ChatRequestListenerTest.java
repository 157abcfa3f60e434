package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.orchestrator.domain.ChatExchange;
import dev.fleet.orchestrator.domain.ChatOutcome;
import dev.fleet.orchestrator.domain.ChatProvider;
import dev.fleet.orchestrator.domain.ChatRouter;
import dev.fleet.orchestrator.domain.ChatService;
import dev.fleet.orchestrator.domain.ChatSettlement;
import dev.fleet.orchestrator.domain.ProcessedRequests;
import dev.fleet.orchestrator.domain.ProviderChunk;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.tokens.TokenCounter;
import dev.fleet.schemas.ChatMessages;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class ChatRequestListenerTest {

    private static final int RETRIES = 2;

    private final AtomicInteger modelCalls = new AtomicInteger();
    private final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    private final List<ConsumerRecord<?, ?>> deadLettered = new CopyOnWriteArrayList<>();

    @Test
    void retriesAChatWhoseReplyKafkaRefusesThenDeadLettersAndCommitsIt() {
        // given: a broker that refuses every reply
        ChatRequestListener listener = listener(new RefusingTemplate());
        ConsumerRecord<String, ChatRequested> record = new ConsumerRecord<>("fleet.chat.requests.v1", 0, 42,
                "conversation", request());

        // when: the listener takes the record and returns at once
        listener.on(record, () -> acknowledged.add(record.offset()));

        // then: run once and retried as often as the error policy says, then dead-lettered and committed
        await().atMost(Duration.ofSeconds(10)).until(() -> !acknowledged.isEmpty());
        assertThat(modelCalls).hasValue(1 + RETRIES);
        assertThat(deadLettered).containsExactly(record);
        assertThat(acknowledged).containsExactly(42L);
    }

    @Test
    void refusesARequestWhoseTenantIsNoUuidBeforeCallingAModel() {
        // given: a request as no gateway sends it, its tenant id not a tenant's UUID (its settlement could
        // never be written, so every retry would call the model again and bill nothing)
        ChatRequestListener listener = listener(new RefusingTemplate());
        ChatRequested request = request();
        request.setTenantId("bench-" + UUID.randomUUID());
        ConsumerRecord<String, ChatRequested> record = new ConsumerRecord<>("fleet.chat.requests.v1", 0, 7,
                "conversation", request);

        // when / then: refused to the error policy (retry, then the dead-letter topic) before a model is called
        assertThatThrownBy(() -> listener.on(record, () -> acknowledged.add(record.offset())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(request.getTenantId());
        assertThat(modelCalls).hasValue(0);
        assertThat(acknowledged).isEmpty();
    }

    private ChatRequestListener listener(KafkaTemplate<String, SpecificRecord> template) {
        ChatProvider echo = new ChatProvider() {
            @Override
            public String name() {
                return "echo";
            }

            @Override
            public Set<String> models() {
                return Set.of("echo");
            }

            @Override
            public Flux<ProviderChunk> stream(ChatRequested request, ChatExchange exchange) {
                modelCalls.incrementAndGet();
                return Flux.just(ProviderChunk.text("hello"));
            }
        };
        ChatService chats = new ChatService(new ChatRouter(List.of(echo)), new NothingProcessed(),
                TokenCounter.cl100k(), Clock.systemUTC(), "orchestrator", Duration.ofSeconds(30));
        ChatConcurrency concurrency = new ChatConcurrency(10, 10, 10, () -> null);
        return concurrency.listener(chats, new FleetPublisher(template, "orchestrator"), null,
                (record, cause) -> deadLettered.add(record), 1, Duration.ofSeconds(30), RETRIES,
                Duration.ofMillis(10));
    }

    private static ChatRequested request() {
        return ChatRequested.newBuilder()
                .setRequestId("request-1")
                .setTenantId(UUID.randomUUID().toString())
                .setConversationId("conversation")
                .setModel("echo")
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, "hi")))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-1")
                .setRequestedAt(Instant.now())
                .build();
    }

    private static final class NothingProcessed implements ProcessedRequests {
        @Override
        public Mono<Boolean> isCompleted(String requestId) {
            return Mono.just(false);
        }

        @Override
        public Mono<Boolean> settle(ChatRequested request, ChatOutcome outcome, ChatSettlement settlement) {
            return settlement.sendThroughExchange().thenReturn(true);
        }
    }

    /** A broker that refuses every record. */
    private static final class RefusingTemplate extends KafkaTemplate<String, SpecificRecord> {
        RefusingTemplate() {
            super(new DefaultKafkaProducerFactory<>(Map.of()));
        }

        @Override
        public CompletableFuture<SendResult<String, SpecificRecord>> send(ProducerRecord<String, SpecificRecord> record) {
            return CompletableFuture.failedFuture(new KafkaException("refused"));
        }
    }
}
