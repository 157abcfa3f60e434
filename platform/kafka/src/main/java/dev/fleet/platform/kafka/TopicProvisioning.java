package dev.fleet.platform.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Party;
import dev.fleet.schemas.Topic;

/**
 * The topics a service provisions at start-up, from the catalog and the deployment's sizing
 * ({@code fleet.kafka.partitions}, {@code replication-factor}, {@code min-insync-replicas}).
 * Limits: Spring's {@code KafkaAdmin} only ever adds partitions to an existing topic and, by
 * default, leaves an existing topic's configuration alone.
 */
final class TopicProvisioning {

    private TopicProvisioning() {
    }

    /**
     * The topics {@code fleet}'s service touches and their dead-letter topics, with the catalog's
     * partitions unless {@code fleet.kafka.partitions} names the topic, and the configured
     * replication and {@code min.insync.replicas} (broker defaults when 0).
     */
    static List<NewTopic> newTopics(FleetKafkaProperties fleet) {
        fleet.partitions().forEach((name, count) -> {
            if (FleetTopics.ALL.stream().noneMatch(t -> t.name().equals(name))) {
                throw new IllegalArgumentException("fleet.kafka.partitions names " + name
                        + ", which is not in the topic catalog");
            }
            if (count == null || count < 1) {
                throw new IllegalArgumentException("fleet.kafka.partitions: " + name + " needs at least 1, not " + count);
            }
        });
        Optional<Short> replicas = fleet.replicationFactor() > 0 ? Optional.of(fleet.replicationFactor())
                : Optional.empty();
        if (fleet.minInsyncReplicas() > 0 && fleet.replicationFactor() > 0
                && fleet.minInsyncReplicas() > fleet.replicationFactor()) {
            throw new IllegalArgumentException("fleet.kafka.min-insync-replicas (" + fleet.minInsyncReplicas()
                    + ") above the replication factor (" + fleet.replicationFactor() + "): no write could succeed");
        }
        return FleetTopics.touchedBy(Party.service(fleet.service())).stream()
                .flatMap(t -> Stream.of(newTopic(t, fleet, replicas),
                        newDeadLetterTopic(t, fleet, replicas)))
                .toList();
    }

    private static NewTopic newTopic(Topic<?> topic, FleetKafkaProperties fleet, Optional<Short> replicas) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, topic.cleanup().config());
        if (topic.retention() != null) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retention().toMillis()));
        }
        minInsync(fleet, configs);
        return new NewTopic(topic.name(), Optional.of(partitions(topic, fleet)), replicas).configs(configs);
    }

    private static NewTopic newDeadLetterTopic(Topic<?> topic, FleetKafkaProperties fleet, Optional<Short> replicas) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, "delete");
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Topic.DLQ_RETENTION.toMillis()));
        minInsync(fleet, configs);
        return new NewTopic(topic.dlq(), Optional.of(partitions(topic, fleet)), replicas).configs(configs);
    }

    private static int partitions(Topic<?> topic, FleetKafkaProperties fleet) {
        return fleet.partitionsOf(topic);
    }

    private static void minInsync(FleetKafkaProperties fleet, Map<String, String> configs) {
        if (fleet.minInsyncReplicas() > 0) {
            configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(fleet.minInsyncReplicas()));
        }
    }
}
