package dev.fleet.metering.messaging;

import java.net.URI;
import java.util.Optional;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

import dev.fleet.metering.domain.UsageNotQueryableException;
import dev.fleet.metering.domain.UsageOwners;

/**
 * Finds a tenant's owner through Kafka Streams' metadata: the active host of the task that holds
 * the tenant's key in {@link UsageTopology#STORE}, as each instance advertises itself in
 * {@code application.server}.
 *
 * <p>Limit: during a rebalance the metadata may name an instance that is giving the task up; its
 * answer is then as fresh as its last commit, or a 503 that the caller retries.
 */
public class StreamsUsageOwners implements UsageOwners {

    private final StreamsBuilderFactoryBean streams;
    private final HostInfo self;

    public StreamsUsageOwners(StreamsBuilderFactoryBean streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Optional<URI> remoteOwner(String tenantId) {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null || kafkaStreams.state() != KafkaStreams.State.RUNNING) {
            throw new UsageNotQueryableException("usage-metering is not running yet", null);
        }
        KeyQueryMetadata metadata = kafkaStreams.queryMetadataForKey(UsageTopology.STORE, tenantId,
                Serdes.String().serializer());
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw new UsageNotQueryableException("no instance holds the usage of this tenant yet", null);
        }
        HostInfo owner = metadata.activeHost();
        if (owner.equals(self)) {
            return Optional.empty();
        }
        return Optional.of(URI.create("http://" + owner.host() + ":" + owner.port()));
    }
}
