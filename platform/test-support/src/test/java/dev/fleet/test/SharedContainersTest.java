package dev.fleet.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The containers SharedKafka and SharedPostgres start where Docker exists, configured as the
 * fleet's tests expect. Skipped without Docker; the same behaviour on the local infrastructure is
 * what every integration test of the fleet exercises, and the choice itself is TestInfrastructureTest's.
 */
@Testcontainers(disabledWithoutDocker = true)
class SharedContainersTest {

    @Test
    void theKafkaContainerRoundTripsARecordAndCreatesNoTopicOnItsOwn() throws Exception {
        try (KafkaContainer kafka = SharedKafka.container()) {
            kafka.start();
            String bootstrap = kafka.getBootstrapServers();
            String topic = "containers-" + UUID.randomUUID();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, "k", "hello")).get();
            }
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "containers-test",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                ConsumerRecord<String, String> received = Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> {
                            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                                return r;
                            }
                            return null;
                        }, r -> r != null);
                assertThat(received.value()).isEqualTo("hello");
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                assertThat(admin.describeCluster().controller().get()).isNotNull();
                assertThat(admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.BROKER, "1"))).all().get().values()
                        .iterator().next().get("auto.create.topics.enable").value()).isEqualTo("false");
            }
        }
    }

    @Test
    void thePostgresContainerLetsThePostgresUserInWithoutAPassword() throws Exception {
        try (PostgreSQLContainer<?> postgres = SharedPostgres.newContainer()) {
            postgres.start();
            try (var c = java.sql.DriverManager.getConnection(postgres.getJdbcUrl(), "postgres", "");
                    var rs = c.createStatement().executeQuery("SELECT current_database(), current_user")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(SharedPostgres.DATABASE);
                assertThat(rs.getString(2)).isEqualTo("postgres");
            }
        }
    }
}
