package dev.fleet.metering;

import static dev.fleet.metering.domain.PriceBookFixtures.key;
import static dev.fleet.metering.domain.PriceBookFixtures.price;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.PriceBook;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.TopicProbe;

/**
 * Billing against the real in-JVM broker: usage on {@code fleet.usage.v1} and two price book versions on
 * {@code fleet.price-book.v1} give invoice lines that {@code GET /billing/{tenant}/invoices/{month}}
 * answers as JSON and CSV, and {@code POST /billing/simulations} replays the usage and prices it with the
 * published books and a candidate, against totals computed by hand.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.kafka.streams.cleanup.on-shutdown=true", "fleet.metering.billing.interval=300ms"})
class BillingIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };
    private static final Instant TODAY = Instant.now().truncatedTo(ChronoUnit.DAYS);
    private static final Instant YESTERDAY = TODAY.minus(Duration.ofDays(1));
    /** v1 from three days ago, v2 from today: prompt tokens of gpt-4o-mini drop from 0.15 to 0.10 per million. */
    private static final PriceBook V1 = book(1, TODAY.minus(Duration.ofDays(3)), "0.15");
    private static final PriceBook V2 = book(2, TODAY, "0.10");

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @Autowired
    WebTestClient http;

    @Autowired
    FleetPublisher publisher;

    @Test
    void answersATenantsInvoiceAsJsonAndCsvFromTheLines() throws IOException {
        // given
        publishBooks();
        String tenant = UUID.randomUUID().toString();
        YearMonth month = YearMonth.from(TODAY.atZone(ZoneOffset.UTC));

        // when: today, priced by v2
        usage(tenant, Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_234_567, TODAY.plusMillis(1), UUID.randomUUID());
        usage(tenant, Meter.SEARCH_QUERIES, null, 3, TODAY.plusMillis(2), UUID.randomUUID());

        // then 1,234,567 x 0.10 / 1e6 = 0.1234567 and 3 x 0.002 = 0.006; total 0.1294567 -> 0.13
        await().atMost(WAIT).untilAsserted(() -> assertThat(invoice(tenant, month).get("total_exact"))
                .isEqualTo("0.1294567"));
        Map<String, Object> invoice = invoice(tenant, month);
        assertThat(invoice).containsEntry("status", "DRAFT").containsEntry("currency", "USD")
                .containsEntry("total", Map.of("amount", "0.13", "currency", "USD"));
        assertThat((List<?>) invoice.get("lines")).hasSize(2);

        String csv = http.get().uri("/billing/{tenant}/invoices/{month}", tenant, month.toString())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .accept(MediaType.parseMediaType("text/csv"))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("Fleet-Invoice-Total", "0.13")
                .expectBody(String.class).returnResult().getResponseBody();
        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv)).getRecords();
        assertThat(rows).extracting(r -> r.get("meter"), r -> r.get("model"), r -> r.get("quantity"),
                        r -> r.get("amount"), r -> r.get("price_book_version"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("prompt_tokens", "gpt-4o-mini", "1234567", "0.1234567", "2"),
                        org.assertj.core.groups.Tuple.tuple("search_queries", "-", "3", "0.006", "2"));
        assertThat(http.get().uri("/billing/{tenant}/invoices/{month}?format=csv", tenant, month.toString())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody())
                .isEqualTo(csv);
    }

    @Test
    void simulatesACandidatePriceBookAgainstHandComputedTotals() {
        // given two tenants' usage over yesterday (v1) and today (v2), one record delivered twice
        publishBooks();
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        UUID twice = UUID.randomUUID();
        usage(a, Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_234_567, YESTERDAY.plus(Duration.ofHours(12)), twice);
        usage(a, Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_234_567, YESTERDAY.plus(Duration.ofHours(12)), twice);
        usage(a, Meter.PROMPT_TOKENS, "gpt-4o-mini", 1_000_000, TODAY.plusMillis(1), UUID.randomUUID());
        usage(b, Meter.COMPLETION_TOKENS, "gpt-4o-mini", 500_000, YESTERDAY.plus(Duration.ofHours(1)),
                UUID.randomUUID());
        usage(b, Meter.SEARCH_QUERIES, null, 3, YESTERDAY.plus(Duration.ofHours(2)), UUID.randomUUID());
        Map<String, Object> request = Map.of("from", YESTERDAY.toString(),
                "to", Instant.now().plus(Duration.ofMinutes(1)).toString(),
                "price_book", Map.of("currency", "USD", "prices", List.of(
                        Map.of("model", "*", "meter", "prompt_tokens", "unit_price", "0.20", "per", 1_000_000),
                        Map.of("model", "*", "meter", "completion_tokens", "unit_price", "0.50", "per", 1_000_000),
                        Map.of("model", "*", "meter", "search_queries", "unit_price", "0.001", "per", 1))));

        // when (after the broker has the books, which the simulation reads from its mirror)
        await().atMost(WAIT).untilAsserted(() -> assertThat(tenantResult(simulate(request), a)).isNotNull());
        Map<String, Object> result = simulate(request);

        // then
        // a: current 1,234,567 x 0.15 / 1e6 + 1,000,000 x 0.10 / 1e6 = 0.28518505 -> 0.29;
        //    candidate 2,234,567 x 0.20 / 1e6 = 0.4469134 -> 0.45; delta 0.16172835 -> 0.16
        assertThat(tenantResult(result, a)).isEqualTo(Map.of("tenant", a, "current", usd("0.29"),
                "candidate", usd("0.45"), "delta", usd("0.16")));
        // b: current 500,000 x 0.60 / 1e6 + 3 x 0.002 = 0.306 -> 0.31; candidate 0.25 + 0.003 = 0.253 -> 0.25;
        //    delta -0.053 -> -0.05
        assertThat(tenantResult(result, b)).isEqualTo(Map.of("tenant", b, "current", usd("0.31"),
                "candidate", usd("0.25"), "delta", usd("-0.05")));
        assertThat(((Number) result.get("duplicates_skipped")).longValue()).isPositive();
        assertThat(((Number) result.get("records_read")).longValue())
                .isEqualTo(((Number) result.get("records_total")).longValue());
        assertThat(result.get("price_book_versions")).isEqualTo(List.of(1, 2));
    }

    @Test
    void deadLettersAPoisonPriceBookRecordAndKeepsBilling() {
        // given
        publishBooks();
        String poisonKey = "poison-" + UUID.randomUUID();
        byte[] poison = "not a price book".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        // when
        TopicProbe.shared().sendRaw(FleetTopics.PRICE_BOOK.name(), poisonKey, poison);
        String tenant = UUID.randomUUID().toString();
        usage(tenant, Meter.PROMPT_TOKENS, "gpt-4o-mini", 2_000_000, TODAY.plusMillis(3), UUID.randomUUID());

        // then the record is dead-lettered and the tenant still billed (2,000,000 x 0.10 / 1e6)
        assertThat(TopicProbe.shared().awaitKey(FleetTopics.PRICE_BOOK.dlq(), poisonKey, WAIT).value())
                .isEqualTo(poison);
        await().atMost(WAIT).untilAsserted(() -> assertThat(invoice(tenant, YearMonth.from(TODAY.atZone(
                ZoneOffset.UTC))).get("total_exact")).isEqualTo("0.20"));
    }

    @Test
    void refusesACandidateWithAFloatingPointPriceOrAnOverlongRange() {
        Map<String, Object> floating = Map.of("from", YESTERDAY.toString(), "to", TODAY.toString(),
                "price_book", Map.of("currency", "USD", "prices", List.of(
                        Map.of("model", "*", "meter", "prompt_tokens", "unit_price", 0.2, "per", 1_000_000))));
        http.post().uri("/billing/simulations")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .bodyValue(floating).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("price_book.prices.unit_price");
        Map<String, Object> tooLong = Map.of("from", TODAY.minus(Duration.ofDays(30)).toString(),
                "to", TODAY.toString(), "price_book", Map.of("currency", "USD", "prices", List.of(
                        Map.of("model", "*", "meter", "prompt_tokens", "unit_price", "0.2", "per", 1_000_000))));
        http.post().uri("/billing/simulations")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .bodyValue(tooLong).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("to");
        http.get().uri("/billing/{tenant}/invoices/2026-11", UUID.randomUUID()).exchange()
                .expectStatus().isUnauthorized();
    }

    private void publishBooks() {
        publisher.publish(FleetTopics.PRICE_BOOK, key(1), V1, EventContext.newEvent("platform")).join();
        publisher.publish(FleetTopics.PRICE_BOOK, key(2), V2, EventContext.newEvent("platform")).join();
    }

    private void usage(String tenant, Meter meter, String model, long quantity, Instant at, UUID eventId) {
        UsageRecorded usage = UsageRecorded.newBuilder().setTenantId(tenant).setMeter(meter).setModel(model)
                .setQuantity(quantity).setOccurredAt(at).build();
        publisher.publish(FleetTopics.USAGE, tenant, usage, EventContext.newEvent(tenant)
                .withEventId(eventId.toString())).join();
    }

    private Map<String, Object> invoice(String tenant, YearMonth month) {
        return http.get().uri("/billing/{tenant}/invoices/{month}", tenant, month.toString())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange()
                .expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private Map<String, Object> simulate(Map<String, Object> request) {
        return http.post().uri("/billing/simulations")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .bodyValue(request)
                .exchange()
                .expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tenantResult(Map<String, Object> result, String tenant) {
        return ((List<Map<String, Object>>) result.get("tenants")).stream()
                .filter(t -> tenant.equals(t.get("tenant"))).findFirst().orElse(null);
    }

    private static Map<String, String> usd(String amount) {
        return Map.of("amount", amount, "currency", "USD");
    }

    private static PriceBook book(int version, Instant effectiveFrom, String promptPrice) {
        return PriceBook.newBuilder().setVersion(version).setEffectiveFrom(effectiveFrom).setCurrency("USD")
                .setPrices(List.of(price("gpt-4o-mini", Meter.PROMPT_TOKENS, promptPrice, 1_000_000),
                        price("gpt-4o-mini", Meter.COMPLETION_TOKENS, "0.60", 1_000_000),
                        price("*", Meter.SEARCH_QUERIES, "0.002", 1)))
                .setCreatedAt(effectiveFrom).build();
    }
}
