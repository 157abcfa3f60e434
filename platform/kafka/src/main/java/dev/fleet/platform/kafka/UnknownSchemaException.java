package dev.fleet.platform.kafka;

import org.apache.kafka.common.errors.SerializationException;

/** A record was written with a schema the store does not hold; it goes to the dead-letter topic. */
public class UnknownSchemaException extends SerializationException {

    private final String topic;
    private final long fingerprint;

    public UnknownSchemaException(String topic, long fingerprint, int knownSchemas) {
        super(String.format("topic %s: writer schema fingerprint %016x is not in the schema store (%d schemas known);"
                + " the record was written by a newer or foreign producer", topic, fingerprint, knownSchemas));
        this.topic = topic;
        this.fingerprint = fingerprint;
    }

    public String topic() {
        return topic;
    }

    public long fingerprint() {
        return fingerprint;
    }
}
