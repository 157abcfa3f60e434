package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code fleet.backlog.records{group, topic, tenant}} on the shared broker: a group stopped behind two
 * tenants' records reports each tenant's real backlog, and 0 once it has caught up; a backlog longer than
 * the sample is extrapolated from the part read.
 */
@SpringBootTest(classes = TenantBacklogIntegrationTest.App.class, properties = {
        "fleet.kafka.service=scorer", "spring.main.web-application-type=none",
        "fleet.backlog.groups=" + TenantBacklogIntegrationTest.GROUP, "fleet.backlog.interval=500ms"})
class TenantBacklogIntegrationTest {

    static final String GROUP = "backlog-test";
    private static final String TOPIC = FleetTopics.TRANSACTIONS.name();
    private static final AvroSingleObjectSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @Autowired
    MeterRegistry registry;

    @Test
    void shouldReportEachTenantsBacklogOfAStoppedGroupAndZeroOnceCaughtUp() throws Exception {
        // given group backlog-test committed at the end of the transactions topic, then stopped
        commitAtEnd();
        String tenantA = "tenant-a-" + UUID.randomUUID();
        String tenantB = "tenant-b-" + UUID.randomUUID();

        // when 3 records of tenant A and 5 of tenant B arrive on several partitions
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < 3; i++) {
                send(producer, i % 6, tenantA);
            }
            for (int i = 0; i < 5; i++) {
                send(producer, i % 6, tenantB);
            }
        }

        // then the backlog per tenant is what the group has yet to read
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(backlog(tenantA)).isEqualTo(3.0);
            assertThat(backlog(tenantB)).isEqualTo(5.0);
        });
        // and so it reads on /actuator/prometheus, the share read beside it
        assertThat(((PrometheusMeterRegistry) registry).scrape())
                .contains("fleet_backlog_records{group=\"" + GROUP + "\",tenant=\"" + tenantA + "\",topic=\""
                        + TOPIC + "\"} 3.0")
                .contains("fleet_backlog_sampled_ratio{group=\"" + GROUP + "\",topic=\"" + TOPIC + "\"} 1.0");

        // and once the group has caught up, both are 0
        commitAtEnd();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(backlog(tenantA)).isZero();
            assertThat(backlog(tenantB)).isZero();
        });
    }

    @Test
    void shouldExtrapolateABacklogLongerThanTheSample() throws Exception {
        // given a group 40 records behind on one partition: 30 of tenant A, 10 of tenant B, interleaved
        String group = "backlog-sample-" + UUID.randomUUID();
        TopicPartition partition = new TopicPartition(TOPIC, 2);
        String tenantA = "tenant-a-" + UUID.randomUUID();
        String tenantB = "tenant-b-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()));
                KafkaConsumer<byte[], byte[]> reader = HandDrivenConsumers.UNBOUND.open(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), "backlog-sample-test")) {
            long end = reader.endOffsets(List.of(partition)).get(partition);
            admin.alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(end))).all().get();
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                for (int i = 0; i < 40; i++) {
                    send(producer, 2, i % 4 == 3 ? tenantB : tenantA);
                }
            }

            // when the backlog is read with a sample of 8 records
            List<TenantBacklog.Backlog> backlogs = new TenantBacklog(admin, reader, 8, Duration.ofSeconds(10))
                    .read(List.of(group));

            // then 8 of the 40 were read and each tenant's share is scaled up to the whole backlog
            assertThat(backlogs).singleElement().satisfies(backlog -> {
                assertThat(backlog.topic()).isEqualTo(TOPIC);
                assertThat(backlog.records()).isEqualTo(40);
                assertThat(backlog.sampled()).isEqualTo(8);
                assertThat(backlog.sampledRatio()).isEqualTo(0.2);
                assertThat(backlog.tenants()).containsExactlyInAnyOrderEntriesOf(Map.of(tenantA, 30L, tenantB, 10L));
            });
        }
    }

    private Double backlog(String tenant) {
        Gauge gauge = registry.find(TenantBacklogMetrics.RECORDS).tag("group", GROUP).tag("topic", TOPIC)
                .tag("tenant", tenant).gauge();
        return gauge == null ? null : gauge.value();
    }

    private static void commitAtEnd() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()));
                KafkaConsumer<byte[], byte[]> reader = HandDrivenConsumers.UNBOUND.open(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), "backlog-test")) {
            List<TopicPartition> partitions = reader.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            reader.endOffsets(partitions).forEach((tp, end) -> ends.put(tp, new OffsetAndMetadata(end)));
            admin.alterConsumerGroupOffsets(GROUP, ends).all().get();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, int partition, String tenant) throws Exception {
        // a valid value: the other tests on the shared broker read this topic from its beginning
        TransactionSubmitted value = TransactionSubmitted.newBuilder().setTenantId(tenant)
                .setTransactionId(UUID.randomUUID().toString()).setAccountId("account")
                .setAmount(new Money("1.00", "EUR")).setMerchant("backlog-test").setMerchantCategory("5814")
                .setCountry("DE").setDeviceId("device").setChannel("ecommerce").setOccurredAt(Instant.now())
                .setMetadata(Map.of()).build();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, partition,
                (tenant + "/account").getBytes(StandardCharsets.UTF_8), SERDE.serializer().serialize(TOPIC, value));
        record.headers().add(FleetHeaders.TENANT_ID, tenant.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        MeterRegistry meterRegistry() {
            return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        }
    }
}
