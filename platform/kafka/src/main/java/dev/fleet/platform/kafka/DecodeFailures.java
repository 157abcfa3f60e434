package dev.fleet.platform.kafka;

import java.util.Optional;

import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Why a batch record's value arrived as null: the platform's {@code ErrorHandlingDeserializer} leaves
 * the decoding error in a header. For batch listeners. Passing it on as the cause of a {@code BatchListenerFailedException}
 * lets the error handler dead-letter the record at once (a decoding error is not retryable) and
 * puts the real reason into the dead letter's headers.
 */
public final class DecodeFailures {

    private static final LogAccessor LOG = new LogAccessor(LogFactory.getLog(DecodeFailures.class));

    private DecodeFailures() {
    }

    /** The decoding error of {@code record}'s value, if it had one. */
    public static Optional<DeserializationException> of(ConsumerRecord<?, ?> record) {
        if (record.headers().lastHeader(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER) == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(SerializationUtils.getExceptionFromHeader(record,
                SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG));
    }
}
