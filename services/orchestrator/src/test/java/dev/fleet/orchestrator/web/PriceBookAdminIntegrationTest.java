package dev.fleet.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.Price;
import dev.fleet.events.v1.PriceBook;
import dev.fleet.events.v1.PriceBookPublished;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicReader;

/**
 * The price book admin API against the real broker and PostgreSQL: a version is numbered, stored with
 * exact amounts, on {@code fleet.price-book.v1} by the time the 201 arrives, audited as
 * {@link PriceBookPublished}; invalid versions are refused with the field named. (The database outlives
 * the run, so each run continues the versions of the last.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // its chat consumers must not answer the other test classes' requests in the same JVM
class PriceBookAdminIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @Autowired
    private WebTestClient web;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @Test
    @SuppressWarnings("unchecked")
    void publishesANumberedVersionBeforeAnsweringAndRefusesOneThatReachesBack() {
        // given the latest version so far (the test database outlives runs)
        List<Map<String, Object>> before = (List<Map<String, Object>>) get("/admin/price-book/versions")
                .get("versions");
        Instant effective = before.isEmpty() ? Instant.parse("2026-12-01T00:00:00Z")
                : Instant.parse((String) before.get(before.size() - 1).get("effective_from")).plus(Duration.ofDays(1));
        int expected = before.size() + 1;
        long endBefore = endOffset();

        // when
        Map<String, Object> created = web.post().uri("/admin/price-book/versions")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"effective_from": "%s", "currency": "USD", "prices": [
                          {"model": "gpt-4o-mini", "meter": "prompt_tokens", "unit_price": "0.15", "per": 1000000},
                          {"model": "*", "meter": "search_queries", "unit_price": "0.0020", "per": 1}]}"""
                        .formatted(effective))
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().valueEquals(HttpHeaders.LOCATION, "/admin/price-book/versions/" + expected)
                .expectBody(JSON).returnResult().getResponseBody();
        long endAfter = endOffset();

        // then the version is numbered, stored exactly and was on the topic before the answer
        assertThat(endAfter).as("acknowledged before the 201").isGreaterThan(endBefore);
        assertThat(created).containsEntry("version", expected).containsEntry("effective_from", effective.toString());
        assertThat(get("/admin/price-book/versions/" + expected).get("prices")).isEqualTo(List.of(
                Map.of("model", "gpt-4o-mini", "meter", "prompt_tokens", "unit_price", "0.15", "per", 1_000_000),
                Map.of("model", "*", "meter", "search_queries", "unit_price", "0.0020", "per", 1)));
        try (TopicReader<String, SpecificRecord> books = TopicReader.decoded(FleetTopics.PRICE_BOOK.name(),
                SERDE.deserializer());
                TopicReader<String, SpecificRecord> events = TopicReader.decodedSkippingUnreadable(FleetTopics.DOMAIN_EVENTS.name(),
                        SERDE.deserializer())) {
            String key = String.format("%010d", expected);
            PriceBook book = (PriceBook) books.awaitRecord(r -> key.equals(r.key()), WAIT).value();
            assertThat(book.getVersion()).isEqualTo(expected);
            assertThat(book.getEffectiveFrom()).isEqualTo(effective);
            assertThat(book.getPrices()).containsExactly(
                    new Price("gpt-4o-mini", Meter.PROMPT_TOKENS, new Money("0.15", "USD"), 1_000_000L),
                    new Price("*", Meter.SEARCH_QUERIES, new Money("0.0020", "USD"), 1L));
            ConsumerRecord<String, SpecificRecord> event = events.awaitRecord(r -> r.value() instanceof DomainEvent e
                    && e.getPayload() instanceof PriceBookPublished published
                    && published.getBook().getVersion() == expected, WAIT);
            assertThat(((DomainEvent) event.value()).getSubject()).isEqualTo("price-book/" + expected);
        }

        // and a version that would take effect before it is refused, naming the field
        web.post().uri("/admin/price-book/versions")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"effective_from": "%s", "currency": "USD", "prices": [
                          {"model": "*", "meter": "prompt_tokens", "unit_price": "0.10", "per": 1000000}]}"""
                        .formatted(effective.minus(Duration.ofDays(1))))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("effective_from");
        web.get().uri("/admin/price-book/versions/{v}", expected + 1)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange().expectStatus().isNotFound();
        web.get().uri("/admin/price-book/versions").exchange().expectStatus().isUnauthorized();
    }

    /** The end offset of {@code fleet.price-book.v1} (one partition) now. */
    private static long endOffset() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(FleetTopics.PRICE_BOOK.name(), 0);
            return consumer.endOffsets(List.of(partition), WAIT).get(partition);
        }
    }

    private Map<String, Object> get(String path) {
        return web.get().uri(path)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange()
                .expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }
}
