package dev.fleet.platform.kafka.streams;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.streams.RecoveringDeserializationExceptionHandler;

import dev.fleet.platform.kafka.FleetHeaders;

/**
 * The fleet's one way to configure a Kafka Streams application: exactly-once v2, a record that
 * cannot be decoded goes to its topic's dead-letter topic (the platform's recoverer), a record a
 * processor cannot process is logged and skipped ({@link SkipUnprocessableRecords}), and a stream
 * thread that dies is replaced ({@link #replaceFailedThreads}).
 */
public final class FleetStreams {

    private static final Logger log = LoggerFactory.getLogger(FleetStreams.class);

    private FleetStreams() {
    }

    /** Streams properties for {@code applicationId} with local state in {@code stateDir}. */
    public static Map<String, Object> config(KafkaProperties kafka, String applicationId, Path stateDir,
            DeadLetterPublishingRecoverer deadLetters) {
        Map<String, Object> config = new HashMap<>(kafka.buildStreamsProperties(null));
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                RecoveringDeserializationExceptionHandler.class);
        config.put(RecoveringDeserializationExceptionHandler.KSTREAM_DESERIALIZATION_RECOVERER, deadLetters);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnprocessableRecords.class);
        return config;
    }

    /** The consumer setting Kafka Streams turns off by default (its constant is internal to the client). */
    private static final String LEAVE_GROUP_ON_CLOSE = "internal.leave.group.on.close";

    /**
     * Makes an instance that stops leave its group at once, so its tasks move to the others in one
     * rebalance; by default Kafka Streams stays in the group until the session times out (45 s), and its
     * partitions are not processed meanwhile. For applications whose records wait on every partition
     * (decisions, grants), not for a restart that wants its own tasks back.
     */
    public static void handOverOnClose(Map<String, Object> config) {
        config.put(StreamsConfig.consumerPrefix(LEAVE_GROUP_ON_CLOSE), true);
    }

    /** A stream thread that dies of an exception is replaced rather than shutting the client down. */
    public static StreamsUncaughtExceptionHandler replaceFailedThreads() {
        return exception -> {
            log.error("a Kafka Streams thread failed, replacing it: {}", FleetHeaders.rootCause(exception), exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }
}
