package dev.fleet.orchestrator.messaging;

import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.assigned;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.day;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.key;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.line;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.lineKey;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.outcome;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.quota;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.rollup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.InvoiceStatus;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.UsageRollup;
import dev.fleet.orchestrator.domain.console.ArmResult;
import dev.fleet.orchestrator.domain.console.ConsoleUsage;
import dev.fleet.orchestrator.domain.console.ExperimentResults;
import dev.fleet.orchestrator.domain.console.QuotaView;
import dev.fleet.orchestrator.domain.console.TokensPerDay;
import dev.fleet.orchestrator.domain.console.UsageSeries;
import dev.fleet.platform.billing.Invoice;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.DeadLetters;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.platform.kafka.TopicMirrorsHealthIndicator;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.SharedKafka;

/**
 * The console's read models fed by {@link ConsoleFeeds} from the real in-JVM broker: records published
 * with the fleet's serde, some before the feeds start (read from the beginning) and some after.
 */
class ConsoleFeedsIntegrationTest {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-20T10:00:00Z"), ZoneOffset.UTC);
    private static final LocalDate D1 = LocalDate.parse("2026-11-18");
    private static final LocalDate D2 = LocalDate.parse("2026-11-19");
    private static final List<Topic<?>> TOPICS = List.of(FleetTopics.USAGE_ROLLUPS, FleetTopics.QUOTA_STATUS,
            FleetTopics.BILLING_LINES, FleetTopics.DOMAIN_EVENTS);

    private static KafkaProducer<byte[], byte[]> producer;
    private static DefaultKafkaProducerFactory<Object, Object> deadLetterProducers;
    private static final List<ConsoleFeeds> started = new ArrayList<>();

    private final String tenant = UUID.randomUUID().toString();
    private final String alias = "alias-" + UUID.randomUUID();

    @BeforeAll
    static void topics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            for (Topic<?> topic : TOPICS) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic.name(), topic.partitions(), (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
        deadLetterProducers = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    @AfterAll
    static void close() {
        started.forEach(ConsoleFeeds::stop);
        producer.close();
        deadLetterProducers.destroy();
    }

    private record Views(ConsoleFeeds feeds, ConsoleUsage usage, ExperimentResults experiments) {
    }

    private static Views start() {
        TopicMirrors fleetMirrors = new TopicMirrors(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()), SERDE, new DeadLetters(new KafkaTemplate<>(deadLetterProducers)));
        ConsoleUsage usage = new ConsoleUsage(Duration.ofDays(400), NOW);
        ExperimentResults experiments = new ExperimentResults(10_000);
        ConsoleFeeds feeds = new ConsoleFeeds(fleetMirrors, usage, experiments);
        feeds.start();
        started.add(feeds);
        return new Views(feeds, usage, experiments);
    }

    private static void send(Topic<?> topic, String key, SpecificRecord value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8),
                SERDE.serialize(topic.name(), value))).get(10, TimeUnit.SECONDS);
    }

    private static void send(UsageRollup rollup) throws Exception {
        send(FleetTopics.USAGE_ROLLUPS, key(rollup), rollup);
    }

    private static void send(InvoiceLine line) throws Exception {
        send(FleetTopics.BILLING_LINES, lineKey(line), line);
    }

    @Test
    void materializesUsageQuotaAndInvoicesFromTheBeginningAndAsTheyChange() throws Exception {
        // given records published before the console starts: a day's usage at every granularity, a quota,
        // invoice lines of two months
        Instant d1 = D1.atStartOfDay().toInstant(ZoneOffset.UTC);
        send(rollup(tenant, Granularity.MINUTE, d1.plusSeconds(600), Meter.PROMPT_TOKENS, "gpt-a", 500, false));
        send(rollup(tenant, Granularity.HOUR, d1, Meter.PROMPT_TOKENS, "gpt-a", 500, false));
        send(day(tenant, D1, Meter.PROMPT_TOKENS, "gpt-a", 500));
        send(rollup(tenant, Granularity.MONTH, Instant.parse("2026-11-01T00:00:00Z"), Meter.PROMPT_TOKENS, "gpt-a",
                500, false));
        send(FleetTopics.QUOTA_STATUS, tenant, quota(tenant, "2026-11", 500, 1000L, QuotaState.OK));
        InvoiceLine draft = line(tenant, "2026-11", Meter.PROMPT_TOKENS, "gpt-a", 500, "0.000075",
                InvoiceStatus.DRAFT);
        send(draft);
        send(line(tenant, "2026-10", Meter.COMPLETION_TOKENS, "gpt-a", 1_000_000, "0.60", InvoiceStatus.FINAL));

        // when the console starts and catches up
        Views views = start();
        await().atMost(WAIT).until(views.feeds()::isCaughtUp);

        // then it answers from what the topics held
        TokensPerDay days = views.usage().tokensPerDay(tenant, D1, D2.plusDays(1));
        assertThat(days.days().get(0).quantities()).isEqualTo(Map.of(new UsageSeries(Meter.PROMPT_TOKENS, "gpt-a"), 500L));
        assertThat(days.days().get(1).quantities()).isEmpty();
        assertThat(views.usage().quota(tenant)).get().extracting(QuotaView::used, QuotaView::limit, QuotaView::state)
                .containsExactly(500L, 1000L, QuotaState.OK);
        assertThat(views.usage().invoice(tenant, YearMonth.of(2026, 11)).lines()).containsExactly(draft);
        assertThat(views.usage().invoice(tenant, YearMonth.of(2026, 10)).total()).isEqualTo(new BigDecimal("0.60"));
        // and no data is an empty answer, not an error
        String nobody = UUID.randomUUID().toString();
        assertThat(views.usage().tokensPerDay(nobody, D1, D2).isEmpty()).isTrue();
        assertThat(views.usage().quota(nobody)).isEmpty();
        assertThat(views.usage().invoice(nobody, YearMonth.of(2026, 11)).lines()).isEmpty();
        assertThat(views.usage().invoiceCsv(nobody, YearMonth.of(2026, 11))).startsWith("tenant,month,status");

        // when the usage grows, a correction arrives, the quota is crossed and the line is rewritten
        send(day(tenant, D1, Meter.PROMPT_TOKENS, "gpt-a", 900));
        send(rollup(tenant, Granularity.DAY, d1, Meter.PROMPT_TOKENS, "gpt-a", 25, true));
        send(day(tenant, D2, Meter.COMPLETION_TOKENS, "gpt-b", 40));
        send(FleetTopics.QUOTA_STATUS, tenant, quota(tenant, "2026-11", 1005, 1000L, QuotaState.EXCEEDED));
        InvoiceLine rewritten = line(tenant, "2026-11", Meter.PROMPT_TOKENS, "gpt-a", 925, "0.00013875",
                InvoiceStatus.DRAFT);
        send(rewritten);
        views.feeds().catchUp().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        // then the later records replace the earlier ones and the correction is added
        await().atMost(WAIT).untilAsserted(() -> {
            TokensPerDay now = views.usage().tokensPerDay(tenant, D1, D2.plusDays(1));
            assertThat(now.days().get(0).quantity(new UsageSeries(Meter.PROMPT_TOKENS, "gpt-a"))).isEqualTo(925);
            assertThat(now.days().get(1).quantity(new UsageSeries(Meter.COMPLETION_TOKENS, "gpt-b"))).isEqualTo(40);
            assertThat(views.usage().quota(tenant)).get().extracting(QuotaView::state)
                    .isEqualTo(QuotaState.EXCEEDED);
            Invoice invoice = views.usage().invoice(tenant, YearMonth.of(2026, 11));
            assertThat(invoice.lines()).containsExactly(rewritten);
            assertThat(invoice.exactTotal()).isEqualByComparingTo("0.00013875");
        });
        String csv = views.usage().invoiceCsv(tenant, YearMonth.of(2026, 11));
        String[] rows = csv.split("\r\n");
        assertThat(rows).hasSize(3);
        assertThat(rows[2]).contains(",total,", ",0.00,USD,");
    }

    @Test
    void computesExperimentResultsFromTheDomainEventsAndReportsCatchUpInHealth() throws Exception {
        // given an assignment and an outcome published before start, one redelivered
        String assignmentId = UUID.randomUUID().toString();
        send(FleetTopics.DOMAIN_EVENTS, tenant, assigned(assignmentId, tenant, alias, "exp", "control", "u1"));
        send(FleetTopics.DOMAIN_EVENTS, tenant, assigned(assignmentId, tenant, alias, "exp", "control", "u1"));
        send(FleetTopics.DOMAIN_EVENTS, tenant, outcome(UUID.randomUUID().toString(), tenant, alias, "exp", "control",
                true, 120, 10, 20));

        // when the console starts
        Views views = start();
        TopicMirrorsHealthIndicator health = new TopicMirrorsHealthIndicator(views.feeds().mirrors());
        await().atMost(WAIT).until(views.feeds()::isCaughtUp);

        // then the arm counts each event once, and health names every console topic as caught up
        ArmResult control = views.experiments().experiment(alias, "exp").orElseThrow().arms().get(0);
        assertThat(control.assignments()).isEqualTo(1);
        assertThat(control.outcomes()).isEqualTo(1);
        Health state = health.health();
        assertThat(state.getStatus()).isEqualTo(Status.UP);
        assertThat(state.getDetails()).containsOnlyKeys(TOPICS.stream().map(Topic::name).toArray(String[]::new))
                .allSatisfy((topic, detail) -> assertThat(detail).isEqualTo("caught up"));

        // when outcomes of a second arm arrive after start
        send(FleetTopics.DOMAIN_EVENTS, tenant, assigned(UUID.randomUUID().toString(), tenant, alias, "exp",
                "candidate", "u2"));
        send(FleetTopics.DOMAIN_EVENTS, tenant, outcome(UUID.randomUUID().toString(), tenant, alias, "exp",
                "candidate", true, 80, 10, 10));
        send(FleetTopics.DOMAIN_EVENTS, tenant, outcome(UUID.randomUUID().toString(), tenant, alias, "exp",
                "candidate", false, 40, 10, 0));

        // then they are counted as they arrive
        await().atMost(WAIT).untilAsserted(() -> {
            ArmResult candidate = views.experiments().experiment(alias, "exp").orElseThrow().arms().get(0);
            assertThat(candidate.arm()).isEqualTo("candidate");
            assertThat(candidate.outcomes()).isEqualTo(2);
            assertThat(candidate.successRate()).isEqualTo(0.5);
            assertThat(candidate.latencyMeanMillis()).isEqualTo(60.0);
            assertThat(candidate.tokensMean()).isEqualTo(15.0);
        });
        assertThat(views.experiments().experiment("alias-nobody-" + UUID.randomUUID(), "exp")).isEmpty();
    }
}
