package dev.fleet.metering.messaging;

import static dev.fleet.metering.domain.PriceBookFixtures.book;
import static dev.fleet.metering.domain.PriceBookFixtures.key;
import static dev.fleet.metering.domain.PriceBookFixtures.price;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.InvoiceStatus;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.PriceBook;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;

/**
 * Invoice lines from usage records through the whole topology: usage → day totals → lines priced with
 * the price book versions in force each day, written after the debounce, re-priced when a version
 * arrives, FINAL once the month closed (and then left alone).
 */
class BillingTopologyTest {

    private static final Duration RETENTION_MINUTES = Duration.ofDays(2);
    private static final PriceBook V1 = book(1, "2025-03-01T00:00:00Z",
            price("gpt-4o-mini", Meter.PROMPT_TOKENS, "0.15", 1_000_000),
            price("gpt-4o-mini", Meter.COMPLETION_TOKENS, "0.60", 1_000_000),
            price("*", Meter.SEARCH_QUERIES, "0.002", 1));
    private static final PriceBook V2 = book(2, "2025-03-15T00:00:00Z",
            price("gpt-4o-mini", Meter.PROMPT_TOKENS, "0.10", 1_000_000),
            price("gpt-4o-mini", Meter.COMPLETION_TOKENS, "0.60", 1_000_000),
            price("*", Meter.SEARCH_QUERIES, "0.002", 1));

    private final FleetSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, UsageRecorded> usage;
    private TestInputTopic<String, PriceBook> books;
    private TestOutputTopic<String, InvoiceLine> lines;

    @BeforeEach
    void startDriver() {
        driver = UsageTopologyTest.driver(serde, stateDir, new RollupRetention(RETENTION_MINUTES, Duration.ofDays(90),
                Duration.ofDays(800)));
        usage = driver.createInputTopic(FleetTopics.USAGE.name(), Serdes.String().serializer(),
                serde.serde(FleetTopics.USAGE).serializer());
        books = driver.createInputTopic(FleetTopics.PRICE_BOOK.name(), Serdes.String().serializer(),
                serde.serde(FleetTopics.PRICE_BOOK).serializer());
        lines = driver.createOutputTopic(FleetTopics.BILLING_LINES.name(), Serdes.String().deserializer(),
                serde.serde(FleetTopics.BILLING_LINES).deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void writesExactDraftLinesPerMeterAndModelAfterTheDebounce() {
        // given
        books.pipeInput(key(1), V1);
        books.pipeInput(key(2), V2);

        // when
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_234_567, "2025-03-03T10:00:00Z");
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_000_000, "2025-03-20T10:00:00Z");
        record("t1", Meter.COMPLETION_TOKENS, "gpt-4o-mini", 500_000, "2025-03-03T10:00:01Z");
        record("t1", Meter.SEARCH_QUERIES, null, 3, "2025-03-03T10:00:02Z");
        driver.advanceWallClockTime(UsageTopology.ROLLUP_INTERVAL);

        // then nothing before the billing interval, then one line per meter and model
        assertThat(lines.isEmpty()).isTrue();
        driver.advanceWallClockTime(BillingSchedule.DEFAULT.interval());
        Map<String, InvoiceLine> out = lines.readKeyValuesToMap();
        assertThat(out).containsOnlyKeys("t1/2025-03/prompt_tokens/gpt-4o-mini",
                "t1/2025-03/completion_tokens/gpt-4o-mini", "t1/2025-03/search_queries/-");
        InvoiceLine prompt = out.get("t1/2025-03/prompt_tokens/gpt-4o-mini");
        // 1,234,567 x 0.15 / 1e6 (3 March, v1) + 1,000,000 x 0.10 / 1e6 (20 March, v2)
        assertThat(prompt.getAmount()).isEqualTo(new Money("0.28518505", "USD"));
        assertThat(prompt.getQuantity()).isEqualTo(2_234_567L);
        assertThat(prompt.getPriceBookVersion()).isEqualTo(2);
        assertThat(prompt.getUnitPrice()).isEqualTo(new Money("0.10", "USD"));
        assertThat(prompt.getPer()).isEqualTo(1_000_000L);
        assertThat(prompt.getStatus()).isEqualTo(InvoiceStatus.DRAFT);
        assertThat(out.get("t1/2025-03/completion_tokens/gpt-4o-mini").getAmount().getAmount()).isEqualTo("0.30");
        assertThat(out.get("t1/2025-03/search_queries/-").getAmount().getAmount()).isEqualTo("0.006");
    }

    @Test
    void repricesOpenMonthsWhenANewVersionArrives() {
        // given a line priced with v1
        books.pipeInput(key(1), V1);
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o-mini", 2_000_000, "2025-03-20T10:00:00Z");
        bill();
        assertThat(lines.readValue().getAmount().getAmount()).isEqualTo("0.30");

        // when v2 (from 15 March) is published, without any new usage
        books.pipeInput(key(2), V2);
        driver.advanceWallClockTime(BillingSchedule.DEFAULT.interval());

        // then the month is re-priced with it
        InvoiceLine repriced = lines.readValue();
        assertThat(repriced.getAmount().getAmount()).isEqualTo("0.20");
        assertThat(repriced.getPriceBookVersion()).isEqualTo(2);
        assertThat(lines.isEmpty()).isTrue();
    }

    @Test
    void finalisesAMonthOnceItClosedAndBillsNoLaterUsageInIt() {
        // given a draft line for March 2025 (the driver's wall clock starts on 1 March)
        books.pipeInput(key(1), V1);
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_000_000, "2025-03-05T10:00:00Z");
        bill();
        assertThat(lines.readValue().getStatus()).isEqualTo(InvoiceStatus.DRAFT);

        // when the wall clock passes 1 April + the one-day grace
        driver.advanceWallClockTime(Duration.between(UsageTopologyTest.T0, Instant.parse("2025-04-02T00:00:00Z")));

        // then the line is written once more, FINAL
        InvoiceLine closed = lines.readValue();
        assertThat(closed.getStatus()).isEqualTo(InvoiceStatus.FINAL);
        assertThat(closed.getAmount().getAmount()).isEqualTo("0.15");
        assertThat(lines.isEmpty()).isTrue();

        // and usage for March arriving later changes nothing
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_000_000, "2025-03-31T23:00:00Z");
        books.pipeInput(key(2), V2);
        bill();
        assertThat(lines.isEmpty()).isTrue();
    }

    @Test
    void writesNoLinesWithoutAPriceBook() {
        record("t1", Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_000_000, "2025-03-05T10:00:00Z");
        bill();

        assertThat(lines.isEmpty()).isTrue();
    }

    private void bill() {
        driver.advanceWallClockTime(UsageTopology.ROLLUP_INTERVAL);
        driver.advanceWallClockTime(BillingSchedule.DEFAULT.interval());
    }

    private void record(String tenant, Meter meter, String model, long quantity, String occurredAt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(FleetHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        Instant at = Instant.parse(occurredAt);
        usage.pipeInput(new TestRecord<>(tenant, UsageRecorded.newBuilder().setTenantId(tenant).setMeter(meter)
                .setModel(model).setQuantity(quantity).setOccurredAt(at).build(), headers, at));
    }
}
