package dev.fleet.platform.kafka;

import org.apache.kafka.common.header.Headers;

/** One decoded record seen by a {@link TopicMirror}; {@code value} is null for a tombstone. */
public record MirroredRecord<V>(String key, V value, Headers headers, int partition, long offset) {
}
