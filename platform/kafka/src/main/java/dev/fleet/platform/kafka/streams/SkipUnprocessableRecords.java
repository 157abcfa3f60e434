package dev.fleet.platform.kafka.streams;

import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.platform.kafka.FleetHeaders;

/**
 * Kafka Streams' {@code processing.exception.handler}: a record that makes a processor throw (usage
 * the topology rejects, a total that would overflow) is logged at ERROR with where it came from and
 * skipped, so one bad record does not stop the stream. Kafka Streams counts it in its
 * dropped-records metric.
 *
 * <p>A {@link StreamsException} is not skipped but fails the thread (the uncaught exception handler
 * then replaces it and, under exactly-once, the task resumes from its last commit): in Kafka 3.9 a
 * failed send to an output topic reaches this handler too, thrown from the sink on the next record,
 * and skipping it would hide the failure.
 *
 * <p>Limit: the record is not dead-lettered. Kafka 3.9's {@link ErrorHandlerContext} does not carry
 * the source record's raw bytes (they arrive in 4.x), and the record passed here is the failing
 * processor's input, not the source record; the log line's topic, partition and offset locate it.
 * Behind the repartition step (the aggregation), those name the internal repartition topic.
 */
public final class SkipUnprocessableRecords implements ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(SkipUnprocessableRecords.class);

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof StreamsException) {
            return ProcessingHandlerResponse.FAIL;
        }
        log.error("skipping a record that failed in processor {} of task {}: {}-{}@{} (event-id {}): {}",
                context.processorNodeId(), context.taskId(), context.topic(), context.partition(), context.offset(),
                context.headers() == null ? "none"
                        : FleetHeaders.get(context.headers(), FleetHeaders.EVENT_ID).orElse("none"),
                FleetHeaders.rootCause(exception), exception);
        return ProcessingHandlerResponse.CONTINUE;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }
}
