package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import dev.fleet.schemas.Topic;

/**
 * Kafka conventions of one service ({@code fleet.kafka.*}).
 *
 * @param service           the service's name in the topic catalog, e.g. {@code gateway}; stamped into {@code produced-by}
 * @param instanceId        this replica's id (replies are routed to it); random by default
 * @param provisionTopics   create the topics this service touches (and their DLQs) at start-up
 * @param replicationFactor replication of provisioned topics; 0 = the broker's default
 * @param minInsyncReplicas {@code min.insync.replicas} of provisioned topics; 0 = the broker's default
 * @param partitions        partitions of provisioned topics by topic name, where they differ from the
 *                          catalog's (a production cluster sized for more consumers); a topic that
 *                          already exists only ever grows
 * @param retryAttempts     processing attempts after the first before a record is dead-lettered
 * @param retryBackoff      pause between those attempts
 * @param replyGroup        prefix of the consumer groups in which this service's replicas share the reply
 *                          topics' partitions ({@code <replyGroup>.<topic>}); {@code <service>-replies} by default
 * @param replyAssignmentWait how long start-up waits for this replica's first reply partitions
 * @param transientBackoffMax longest pause between attempts at a record that failed transiently
 *                          ({@link TransientFailures}); such a record is retried, doubling the pause from
 *                          {@code retryBackoff} up to this, until it succeeds, and never dead-lettered
 * @param clientMetricsRefresh how often the Kafka client metrics of each consumer are looked at for new ones
 *                          (a partition's lag exists once it has been fetched from); Micrometer's own is a minute
 */
@Validated
@ConfigurationProperties("fleet.kafka")
public record FleetKafkaProperties(
        @NotBlank String service,
        String instanceId,
        @DefaultValue("true") boolean provisionTopics,
        @DefaultValue("0") @Min(0) short replicationFactor,
        @DefaultValue("0") @Min(0) int minInsyncReplicas,
        Map<String, Integer> partitions,
        @DefaultValue("2") @Min(0) int retryAttempts,
        @DefaultValue("200ms") Duration retryBackoff,
        String replyGroup,
        @DefaultValue("30s") Duration replyAssignmentWait,
        @DefaultValue("5s") Duration transientBackoffMax,
        @DefaultValue("10s") Duration clientMetricsRefresh) {

    public FleetKafkaProperties {
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = service + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
        partitions = partitions == null ? Map.of() : Map.copyOf(partitions);
        if (replyGroup == null || replyGroup.isBlank()) {
            replyGroup = service + "-replies";
        }
    }

    /** The partitions {@code topic} is provisioned with: the deployment's count, else the catalog's. */
    public int partitionsOf(Topic<?> topic) {
        return partitions.getOrDefault(topic.name(), topic.partitions());
    }
}
