package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Flux;

class OrderedSendsTest {

    private static final int CHUNKS = 200;
    private static final int PIPELINE = 64;

    private final HoldingTemplate template = new HoldingTemplate();
    private final FleetPublisher publisher = new FleetPublisher(template, "test");

    @Test
    void chunksReachTheProducerInOrderAndPipelinedWhileAcknowledgementsArriveOutOfOrder() {
        // given a reply stream whose sends are subscribed up to 64 at a time
        OrderedSends sends = publisher.inOrder();
        List<Integer> acknowledged = Collections.synchronizedList(new ArrayList<>());
        Set<String> ackThreads = ConcurrentHashMap.newKeySet();
        Flux.range(0, CHUNKS)
                .flatMap(seq -> sends.send(FleetTopics.CHAT_REPLIES, 0, "request-1", chunk(seq),
                                EventContext.newEvent("tenant-a"))
                        .doOnNext(ack -> ackThreads.add(Thread.currentThread().getName()))
                        .thenReturn(seq), PIPELINE)
                .subscribe(acknowledged::add);

        // when the broker acknowledges each window of handed-over records newest first
        while (acknowledged.size() < CHUNKS) {
            int expected = Math.min(CHUNKS, acknowledged.size() + PIPELINE);
            // then a whole window is handed over before any of it is acknowledged (no wait per record)
            await().atMost(Duration.ofSeconds(5)).until(() -> template.handedOver().size() >= expected);
            template.acknowledgeNewestFirst();
            await().atMost(Duration.ofSeconds(5)).until(() -> acknowledged.size() >= expected);
        }

        // then the producer got the chunks in seq order, and no acknowledgement ran on the completing thread
        assertThat(template.handedOver().stream().map(r -> ((ChatChunk) r.value()).getSeq()).toList())
                .isEqualTo(IntStream.range(0, CHUNKS).boxed().toList());
        assertThat(ackThreads).allMatch(name -> name.startsWith("parallel"));
    }

    @Test
    void aHandOverThatBlocksHoldsBackTheChunksAfterIt() {
        // given the producer blocks on the first chunk's hand-over (fetching metadata, up to max.block.ms)
        CountDownLatch metadata = new CountDownLatch(1);
        template.blockFirstSendUntil(metadata);
        OrderedSends sends = publisher.inOrder();
        List<Integer> acknowledged = Collections.synchronizedList(new ArrayList<>());
        Flux.range(0, 10)
                .flatMap(seq -> sends.send(FleetTopics.CHAT_REPLIES, 0, "request-1", chunk(seq),
                        EventContext.newEvent("tenant-a")).thenReturn(seq), PIPELINE)
                .subscribe(acknowledged::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> template.blocked.get());

        // when the others were subscribed meanwhile: for a while, none is handed over past it
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> template.handedOver().isEmpty());
        metadata.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> template.handedOver().size() == 10);
        template.acknowledgeNewestFirst();

        // then nothing was handed over past the blocked chunk, and all arrived in seq order
        assertThat(template.handedOver().stream().map(r -> ((ChatChunk) r.value()).getSeq()).toList())
                .isEqualTo(IntStream.range(0, 10).boxed().toList());
        await().atMost(Duration.ofSeconds(5)).until(() -> acknowledged.size() == 10);
    }

    private static ChatChunk chunk(int seq) {
        return ChatChunk.newBuilder().setRequestId("request-1").setSeq(seq).setModel("m").setDelta("w" + seq).build();
    }

    /** A template that records what the producer was handed and holds each acknowledgement until told. */
    private static final class HoldingTemplate extends KafkaTemplate<String, SpecificRecord> {

        private final List<ProducerRecord<String, SpecificRecord>> handedOver =
                Collections.synchronizedList(new ArrayList<>());
        private final List<CompletableFuture<SendResult<String, SpecificRecord>>> unacknowledged =
                Collections.synchronizedList(new ArrayList<>());
        private final Map<CompletableFuture<?>, ProducerRecord<String, SpecificRecord>> records =
                new ConcurrentHashMap<>();

        private final AtomicBoolean blocked = new AtomicBoolean();
        private volatile CountDownLatch blockFirst;

        HoldingTemplate() {
            super(new DefaultKafkaProducerFactory<>(Map.of()));
        }

        void blockFirstSendUntil(CountDownLatch released) {
            blockFirst = released;
        }

        @Override
        public CompletableFuture<SendResult<String, SpecificRecord>> send(ProducerRecord<String, SpecificRecord> record) {
            CountDownLatch released = blockFirst;
            if (released != null && blocked.compareAndSet(false, true)) {
                try { // like KafkaProducer.send waiting for metadata
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            CompletableFuture<SendResult<String, SpecificRecord>> ack = new CompletableFuture<>();
            records.put(ack, record);
            handedOver.add(record);
            unacknowledged.add(ack);
            return ack;
        }

        List<ProducerRecord<String, SpecificRecord>> handedOver() {
            return handedOver;
        }

        void acknowledgeNewestFirst() {
            List<CompletableFuture<SendResult<String, SpecificRecord>>> window;
            synchronized (unacknowledged) {
                window = new ArrayList<>(unacknowledged);
                unacknowledged.clear();
            }
            Collections.reverse(window);
            window.forEach(ack -> ack.complete(new SendResult<>(records.get(ack), null)));
        }
    }
}
