package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.TopicProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The Kafka metrics an SRE reads from {@code /actuator/prometheus}: a listener's consumer reports
 * its lag per group, topic and partition, and so does a hand-driven one (a tail); every dead letter counts
 * {@code fleet.dlq.records}.
 */
@SpringBootTest(classes = KafkaClientMetricsIntegrationTest.App.class, properties = {
        "fleet.kafka.service=scorer", "fleet.kafka.retry-backoff=10ms", "fleet.kafka.retry-attempts=0",
        "spring.main.web-application-type=none", "fleet.kafka.client-metrics-refresh=500ms"})
class KafkaClientMetricsIntegrationTest {

    /** Kafka client metrics that appear after binding (a partition's lag) are picked up every refresh (here 500 ms). */
    private static final Duration METRICS_REFRESH = Duration.ofSeconds(30);
    private static final String GROUP = "metrics-test";

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @Autowired
    MeterRegistry registry;

    @Autowired
    TopicMirrors mirrors;

    private final TopicProbe probe = TopicProbe.shared();

    @Test
    void shouldReportAListenersConsumerLagWithItsGroupTopicAndPartition() {
        // given a listener in group metrics-test on the score requests
        assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);

        // when it has fetched from its partitions
        probe.sendRaw(FleetTopics.SCORE_REQUESTS.name(), "lag-" + UUID.randomUUID(),
                "not avro".getBytes(StandardCharsets.UTF_8));

        // then its lag is a gauge per partition, tagged with the group and the topic
        await().atMost(METRICS_REFRESH).untilAsserted(() -> {
            Gauge lag = registry.find("kafka.consumer.fetch.manager.records.lag")
                    .tag("group", GROUP).tag("topic", FleetTopics.SCORE_REQUESTS.name().replace('.', '_')).gauge();
            assertThat(lag).as("lag gauge among %s", registry.getMeters().stream()
                    .filter(m -> m.getId().getName().startsWith("kafka.consumer.fetch.manager.records"))
                    .map(m -> m.getId().toString()).toList()).isNotNull();
            assertThat(lag.getId().getTag("partition")).matches("\\d+");
            assertThat(lag.value()).isGreaterThanOrEqualTo(0);
        });
    }

    @Test
    void shouldReportAHandDrivenConsumersFetchesUntilItCloses() {
        // given a tail, a consumer the platform drives by hand outside any group
        TopicTail<?> tail = mirrors.fromEnd(FleetTopics.RISK_DECISIONS, key -> false, record -> {
        });

        // then its client metrics are in the registry, tagged like a listener's, and it fetches
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            FunctionCounter fetches = registry.find("kafka.consumer.fetch.manager.fetch.total")
                    .tag("spring.id", "tail-" + FleetTopics.RISK_DECISIONS.name()).tag("group", "none")
                    .functionCounter();
            assertThat(fetches).isNotNull();
            assertThat(fetches.count()).isPositive();
        });
        assertThat(registry.find("kafka.consumer.fetch.manager.fetch.rate")
                .tag("spring.id", "tail-" + FleetTopics.RISK_DECISIONS.name()).gauge()).isNotNull();

        // and when it stops, its meters leave the registry
        tail.stop();
        assertThat(registry.find("kafka.consumer.fetch.manager.fetch.total")
                .tag("spring.id", "tail-" + FleetTopics.RISK_DECISIONS.name()).meters()).isEmpty();
    }

    @Test
    void shouldCountADeadLetteredRecordBySourceTopic() {
        // given a record the listener cannot decode
        String poisonKey = "dlq-metric-" + UUID.randomUUID();
        probe.sendRaw(FleetTopics.SCORE_REQUESTS.name(), poisonKey, "not avro".getBytes(StandardCharsets.UTF_8));

        // when it has been dead-lettered
        probe.awaitKey(FleetTopics.SCORE_REQUESTS.dlq(), poisonKey, Duration.ofSeconds(30));

        // then fleet.dlq.records counts it under its source topic
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Counter dlq = registry.find(DeadLetterCounter.METER).tag("topic", FleetTopics.SCORE_REQUESTS.name())
                    .counter();
            assertThat(dlq).isNotNull();
            assertThat(dlq.count()).isGreaterThanOrEqualTo(1);
        });
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableKafka
    static class App {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        Listener listener() {
            return new Listener();
        }
    }

    static class Listener {

        @KafkaListener(topics = "#{T(dev.fleet.schemas.FleetTopics).SCORE_REQUESTS.name()}", groupId = GROUP)
        void on(ConsumerRecord<String, ScoreRequested> record) {
        }
    }
}
