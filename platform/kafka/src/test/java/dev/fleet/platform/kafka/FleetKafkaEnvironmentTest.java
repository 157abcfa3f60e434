package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;

import dev.fleet.schemas.FleetTopics;

/** The {@code FLEET_KAFKA_*} variables a deployment sets, as every Kafka client and the topic provisioning see them. */
class FleetKafkaEnvironmentTest {

    @Test
    void saslScramOverTlsReachesProducersConsumersAdminAndStreams() {
        // given the variables the Helm chart sets for SCRAM over TLS
        Map<String, Object> env = Map.of(
                "FLEET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "FLEET_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "FLEET_KAFKA_SASL_USERNAME", "fleet",
                "FLEET_KAFKA_SASL_PASSWORD", "s3cr\"et",
                "FLEET_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/fleet/kafka-tls/truststore.p12",
                "FLEET_KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit",
                "FLEET_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");

        // when a service binds its Kafka properties
        KafkaProperties kafka = kafkaProperties(env);

        // then every kind of client gets the same security settings
        for (Map<String, Object> client : List.of(kafka.buildProducerProperties(null),
                kafka.buildConsumerProperties(null), kafka.buildAdminProperties(null),
                kafka.buildStreamsProperties(null))) {
            assertThat(client).containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.location", "/etc/fleet/kafka-tls/truststore.p12")
                    .containsEntry("ssl.truststore.password", "changeit")
                    .containsEntry("ssl.truststore.type", "PKCS12");
            assertThat((String) client.get("sasl.jaas.config"))
                    .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required");
        }
    }

    @Test
    void builtJaasLineParsesBackToTheCredentialsEvenWithQuotes() {
        // given a password with a quote and a backslash
        String jaas = FleetKafkaEnvironment.jaasConfig("PLAIN", "fleet", "p\"a\\ss");

        // when Kafka parses the line
        var entry = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas)))
                .configurationEntries().get(0);

        // then it reads the same login module and credentials
        assertThat(entry.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule");
        assertThat(entry.getOptions().get("username")).isEqualTo("fleet");
        assertThat(entry.getOptions().get("password")).isEqualTo("p\"a\\ss");
    }

    @Test
    void explicitJaasConfigWinsOverUsernameAndPassword() {
        Map<String, String> client = FleetKafkaEnvironment.clientProperties(Map.of(
                "FLEET_KAFKA_SASL_MECHANISM", "PLAIN",
                "FLEET_KAFKA_SASL_JAAS_CONFIG", "custom required;",
                "FLEET_KAFKA_SASL_USERNAME", "ignored"));

        assertThat(client).containsEntry("sasl.jaas.config", "custom required;");
    }

    @Test
    void refusesToGuessTheLoginModuleOfOtherMechanisms() {
        assertThatThrownBy(() -> FleetKafkaEnvironment.clientProperties(Map.of(
                "FLEET_KAFKA_SASL_MECHANISM", "OAUTHBEARER", "FLEET_KAFKA_SASL_USERNAME", "fleet")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FLEET_KAFKA_SASL_JAAS_CONFIG");
    }

    @Test
    void passesAnyClientPropertyThroughByName() {
        KafkaProperties kafka = kafkaProperties(Map.of(
                "FLEET_KAFKA_PROPERTIES_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "",
                "FLEET_KAFKA_PROPERTIES_CLIENT_DNS_LOOKUP", "use_all_dns_ips",
                "FLEET_KAFKA_TRANSIENT_BACKOFF_MAX", "5s"));

        assertThat(kafka.buildConsumerProperties(null)).containsEntry("client.dns.lookup", "use_all_dns_ips")
                .containsEntry("ssl.endpoint.identification.algorithm", "") // empty turns host name checks off
                .doesNotContainKey("transient.backoff.max"); // a fleet setting, not a client property
        assertThat(FleetKafkaEnvironment.clientProperties(Map.of("FLEET_KAFKA_SASL_MECHANISM", "")))
                .as("a named variable rendered empty is unset").isEmpty();
    }

    @Test
    void explicitSpringKafkaPropertiesStillWin() {
        Map<String, Object> env = new HashMap<>();
        env.put("FLEET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SSL");

        assertThat(kafkaProperties(env).buildProducerProperties(null)).containsEntry("security.protocol", "SSL");
    }

    @Test
    void isRegisteredToRunAtEveryServicesStart() {
        assertThat(SpringFactoriesLoader.loadFactoryNames(EnvironmentPostProcessor.class, getClass().getClassLoader()))
                .contains(FleetKafkaEnvironment.class.getName());
    }

    @Test
    void clientMetricsRefreshComesFromTheEnvironmentAndDefaultsToTenSeconds() {
        FleetKafkaProperties set = Binder.get(environment(Map.of("FLEET_KAFKA_SERVICE", "x",
                "FLEET_KAFKA_CLIENT_METRICS_REFRESH", "2s"))).bindOrCreate("fleet.kafka", FleetKafkaProperties.class);
        FleetKafkaProperties unset = Binder.get(environment(Map.of("FLEET_KAFKA_SERVICE", "x")))
                .bindOrCreate("fleet.kafka", FleetKafkaProperties.class);

        assertThat(set.clientMetricsRefresh()).isEqualTo(Duration.ofSeconds(2));
        assertThat(unset.clientMetricsRefresh()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void provisioningGetsPartitionsReplicationAndMinInsyncReplicas() {
        // given a production deployment's topic settings
        StandardEnvironment environment = environment(Map.of(
                "FLEET_KAFKA_REPLICATION_FACTOR", "3",
                "FLEET_KAFKA_MIN_INSYNC_REPLICAS", "2",
                "FLEET_KAFKA_TOPIC_PARTITIONS", "fleet.chat.requests.v1=24, fleet.usage.v1=12"));

        // when the orchestrator binds them and provisions its topics
        FleetKafkaProperties fleet = Binder.get(environment).bindOrCreate("fleet.kafka", FleetKafkaProperties.class);
        FleetKafkaProperties orchestrator = new FleetKafkaProperties("orchestrator", null, true,
                fleet.replicationFactor(), fleet.minInsyncReplicas(), fleet.partitions(), 2, null, null, null, null, null);
        Map<String, NewTopic> topics = new HashMap<>();
        TopicProvisioning.newTopics(orchestrator).forEach(t -> topics.put(t.name(), t));

        // then the named topics (and their DLQs) get the deployment's partitions, the rest the catalog's
        assertThat(topics.get("fleet.chat.requests.v1").numPartitions()).isEqualTo(24);
        assertThat(topics.get("fleet.chat.requests.v1.dlq").numPartitions()).isEqualTo(24);
        assertThat(topics.get("fleet.usage.v1").numPartitions()).isEqualTo(12);
        assertThat(topics.get("fleet.tenants.v1").numPartitions()).isEqualTo(FleetTopics.TENANTS.partitions());
        assertThat(orchestrator.partitionsOf(FleetTopics.USAGE)).isEqualTo(12);
        assertThat(topics.values()).allSatisfy(t -> {
            assertThat(t.replicationFactor()).isEqualTo((short) 3);
            assertThat(t.configs()).containsEntry("min.insync.replicas", "2");
        });
        // and the Streams apps' internal topics too
        KafkaProperties kafka = Binder.get(environment).bindOrCreate("spring.kafka", KafkaProperties.class);
        assertThat(kafka.buildStreamsProperties(null)).containsEntry("replication.factor", "3")
                .containsEntry("topic.min.insync.replicas", "2");
    }

    @Test
    void withoutSettingsProvisioningKeepsTheCatalogAndBrokerDefaults() {
        FleetKafkaProperties fleet = Binder.get(environment(Map.of()))
                .bindOrCreate("fleet.kafka", FleetKafkaProperties.class);
        FleetKafkaProperties audit = new FleetKafkaProperties("audit", null, true, fleet.replicationFactor(),
                fleet.minInsyncReplicas(), fleet.partitions(), 2, null, null, null, null, null);

        assertThat(TopicProvisioning.newTopics(audit)).isNotEmpty().allSatisfy(t -> {
            assertThat(t.replicationFactor()).isEqualTo((short) -1);
            assertThat(t.configs()).doesNotContainKey("min.insync.replicas");
        });
        assertThat(TopicProvisioning.newTopics(audit)).filteredOn(t -> t.name().equals("fleet.domain.events.v1"))
                .singleElement().satisfies(t -> assertThat(t.numPartitions())
                        .isEqualTo(FleetTopics.DOMAIN_EVENTS.partitions()));
    }

    @Test
    void refusesPartitionsOfAnUnknownTopicAndMinInsyncAboveReplication() {
        assertThatThrownBy(() -> TopicProvisioning.newTopics(new FleetKafkaProperties("audit", null, true,
                (short) 0, 0, Map.of("fleet.chat.request.v1", 6), 2, null, null, null, null, null)))
                .hasMessageContaining("fleet.chat.request.v1");
        assertThatThrownBy(() -> TopicProvisioning.newTopics(new FleetKafkaProperties("audit", null, true,
                (short) 2, 3, Map.of(), 2, null, null, null, null, null)))
                .hasMessageContaining("min-insync-replicas");
        assertThatThrownBy(() -> FleetKafkaEnvironment.springProperties(Map.of(
                "FLEET_KAFKA_TOPIC_PARTITIONS", "fleet.usage.v1:12")))
                .hasMessageContaining("topic=count");
    }

    private static KafkaProperties kafkaProperties(Map<String, Object> env) {
        return Binder.get(environment(env)).bindOrCreate("spring.kafka", KafkaProperties.class);
    }

    /** An environment whose system environment is {@code env}, post-processed as at a service's start. */
    private static StandardEnvironment environment(Map<String, Object> env) {
        StandardEnvironment environment = new StandardEnvironment() {
            @Override
            public Map<String, Object> getSystemEnvironment() {
                return env;
            }
        };
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        new FleetKafkaEnvironment().postProcessEnvironment(environment, null);
        return environment;
    }
}
