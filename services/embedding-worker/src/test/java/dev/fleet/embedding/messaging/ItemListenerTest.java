package dev.fleet.embedding.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.SendResult;

import dev.fleet.embedding.config.FleetEmbeddingProperties;
import dev.fleet.embedding.domain.EmbeddingBatcher;
import dev.fleet.embedding.domain.TextEmbedder;
import dev.fleet.embedding.domain.TextEmbedding;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.PendingSends;
import dev.fleet.platform.kafka.TransactionalOutputs;
import dev.fleet.platform.kafka.TransientFailures;
import dev.fleet.platform.kafka.UsageRecorder;

/** How the item listener reports failures to the platform's error policy: transient ones retried, the rest by record. */
class ItemListenerTest {

    private final FleetPublisher publisher = mock(FleetPublisher.class);
    private final TransactionalOutputs outputs = inOneTransaction(publisher);
    private final ItemListener listener = new ItemListener(new EmbeddingBatcher(new LengthEmbedder(), 100), outputs,
            new FleetEmbeddingProperties(64, 100, 1, 16, Duration.ofSeconds(1), "test-1", Duration.ofSeconds(1)), new UsageRecorder(Clock.systemUTC()));

    /** Outputs that go through {@code publisher}, awaited as the transactional outputs await them. */
    @SuppressWarnings("unchecked")
    private static TransactionalOutputs inOneTransaction(FleetPublisher publisher) {
        TransactionalOutputs outputs = mock(TransactionalOutputs.class);
        willAnswer(invocation -> {
            PendingSends sends = new PendingSends(publisher);
            invocation.<java.util.function.Consumer<PendingSends>>getArgument(3).accept(sends);
            sends.awaitAcknowledged(invocation.getArgument(2));
            return null;
        }).given(outputs).publish(any(), any(), any(), any());
        return outputs;
    }

    @Test
    void reportsOutputsTheBrokerDidNotAcknowledgeAsATransientFailureOfTheWholeBatch() {
        // given the broker expires the batch's outputs (the producer's delivery timeout)
        CompletableFuture<SendResult<String, SpecificRecord>> expired = CompletableFuture.failedFuture(
                new TimeoutException("Expiring 2 record(s) for fleet.item-vectors.v1-0: 30000 ms has passed"));
        given(publisher.publish(any(), anyString(), any(), any())).willReturn(expired);
        given(publisher.publish(any(), any(), anyString(), any(), any())).willReturn(expired); // a vector, to its partition

        // when / then: reported at the first record, as transient, so the platform retries it and dead-letters nothing
        assertThatThrownBy(() -> listener.on(List.of(record(0, "Cats purr."), record(1, "Dogs bark.")), null))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> {
                    assertThat(e.getIndex()).isZero();
                    assertThat(TransientFailures.isTransient(e)).isTrue();
                });
    }

    @Test
    void reportsOutputsNotAcknowledgedInTimeAsTransientToo() {
        // given sends that never complete
        given(publisher.publish(any(), anyString(), any(), any())).willReturn(new CompletableFuture<>());
        given(publisher.publish(any(), any(), anyString(), any(), any())).willReturn(new CompletableFuture<>());

        // when / then
        assertThatThrownBy(() -> listener.on(List.of(record(0, "Cats purr.")), null))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> {
                    assertThat(e.getIndex()).isZero();
                    assertThat(TransientFailures.isTransient(e)).isTrue();
                });
    }

    @Test
    void reportsAnItemItCannotEmbedByIndexAndNotAsTransient() {
        // given a broker that acknowledges everything
        given(publisher.publish(any(), anyString(), any(), any())).willReturn(CompletableFuture.completedFuture(null));
        given(publisher.publish(any(), any(), anyString(), any(), any()))
                .willReturn(CompletableFuture.completedFuture(null));

        // when / then: the blank text is the record's own failure, to be dead-lettered
        assertThatThrownBy(() -> listener.on(List.of(record(0, "Cats purr."), record(1, "   ")), null))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> {
                    assertThat(e.getIndex()).isEqualTo(1);
                    assertThat(TransientFailures.isTransient(e)).isFalse();
                });
    }

    private static ConsumerRecord<String, ItemEvent> record(long offset, String text) {
        ItemEvent event = ItemEvent.newBuilder().setTenantId("t1").setCollection("docs").setItemId("i" + offset)
                .setChange(new ItemUpserted(text, Map.of())).setOccurredAt(Instant.now()).build();
        return new ConsumerRecord<>("fleet.items.v1", 0, offset, "t1/docs/i" + offset, event);
    }

    /** A model whose vector of a text is its length; one token per text. */
    private static final class LengthEmbedder implements TextEmbedder {
        @Override
        public String modelName() {
            return "all-minilm-l6-v2";
        }

        @Override
        public String modelVersion() {
            return "test-1";
        }

        @Override
        public int dimension() {
            return 1;
        }

        @Override
        public List<TextEmbedding> embedAll(List<String> texts) {
            List<TextEmbedding> result = new ArrayList<>();
            texts.forEach(text -> result.add(new TextEmbedding(new float[] {text.length()}, 1)));
            return result;
        }
    }
}
