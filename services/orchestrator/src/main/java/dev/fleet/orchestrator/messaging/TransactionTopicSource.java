package dev.fleet.orchestrator.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.orchestrator.domain.risk.backtest.TransactionSource;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TopicRangeReader;
import dev.fleet.schemas.FleetTopics;

/**
 * Reads {@code fleet.transactions.v1} for a backtest through the platform's {@link TopicRangeReader}
 * (a consumer of its own: no group, nothing committed, committed records only), decoding each record;
 * one that does not decode is skipped and counted.
 */
public class TransactionTopicSource implements TransactionSource {

    private static final Duration METADATA_WAIT = Duration.ofSeconds(30);

    private final TopicRangeReader reader;
    private final FleetSerde serde;

    /** @param consumerConfig the service's consumer settings (bootstrap servers, security); group and deserializers are set here */
    public TransactionTopicSource(Map<String, Object> consumerConfig, FleetSerde serde) {
        this.reader = new TopicRangeReader(consumerConfig, "risk-backtest");
        this.serde = serde;
    }

    @Override
    public long read(Instant startAt, Instant stopAfter, Consumer<TransactionSubmitted> sink, Progress progress) {
        long[] undecodable = {0};
        TopicRangeReader.Read read = reader.read(FleetTopics.TRANSACTIONS, startAt, stopAfter, METADATA_WAIT,
                new TopicRangeReader.Visitor() {
                    @Override
                    public void accept(ConsumerRecord<byte[], byte[]> record) {
                        TransactionSubmitted tx = decode(record.value());
                        if (tx == null) {
                            undecodable[0]++;
                        } else {
                            sink.accept(tx);
                        }
                    }

                    @Override
                    public void progress(long read, long total) {
                        progress.update(read, total);
                    }
                });
        progress.update(read.read(), read.total());
        return undecodable[0];
    }

    private TransactionSubmitted decode(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return serde.deserialize(FleetTopics.TRANSACTIONS, value);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
