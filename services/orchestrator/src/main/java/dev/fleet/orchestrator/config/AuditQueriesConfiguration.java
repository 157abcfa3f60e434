package dev.fleet.orchestrator.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.orchestrator.domain.audit.AuditQueries;
import dev.fleet.orchestrator.messaging.KafkaAuditQueries;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.ReplyConsumers;
import dev.fleet.schemas.FleetTopics;

/**
 * The admin console's view of the audit log: asked of the audit service over Kafka (decision 0041),
 * its answers read by this replica's share of {@code fleet.audit.query-results.v1}.
 */
@Configuration(proxyBeanMethods = false)
public class AuditQueriesConfiguration {

    @Bean
    AuditQueries auditQueries(ReplyConsumers replyConsumers, FleetPublisher publisher, FleetKafkaProperties kafka,
            FleetOrchestratorProperties properties) {
        return new KafkaAuditQueries(publisher, replyConsumers.router(FleetTopics.AUDIT_QUERY_RESULTS, result -> true),
                kafka.instanceId(), properties.audit().queryTimeout());
    }
}
