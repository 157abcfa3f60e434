package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.SendResult;

import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.persistence.OutboxRepository;
import dev.fleet.orchestrator.persistence.OutboxRow;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class OutboxDeliveryTest {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    private final FakeOutbox outbox = new FakeOutbox();
    private final FakePublisher publisher = new FakePublisher();
    private final OutboxDelivery delivery = new OutboxDelivery(outbox, publisher, SERDE,
            Clock.fixed(NOW, ZoneOffset.UTC), List.of(FleetTopics.TENANTS, FleetTopics.API_KEYS),
            Duration.ofSeconds(2), 2);

    @Test
    void publishesOlderRowsBeforeItsOwnInIdOrderAcrossBatchesAfterTakingThePublisherLock() {
        // given: two older rows left by the relay, and the transaction's own
        outbox.rows.add(row(1, "older-1"));
        outbox.rows.add(row(2, "older-2"));
        outbox.rows.add(row(3, "own"));
        outbox.own.add(3L);
        // when
        delivery.deliverInTransaction().block();
        // then
        assertThat(outbox.locked).isTrue();
        assertThat(publisher.sentKeys).containsExactly("older-1", "older-2", "own");
        assertThat(outbox.published).containsExactly(1L, 2L, 3L);
    }

    @Test
    void failsTheChangeWhenKafkaDoesNotAcknowledge() {
        // given
        outbox.rows.add(row(1, "own"));
        outbox.own.add(1L);
        publisher.failures.put("own", new TimeoutException("Expiring 1 record(s)"));
        // when / then
        assertThatThrownBy(() -> delivery.deliverInTransaction().block())
                .isInstanceOf(ChangeNotDeliveredException.class);
        assertThat(outbox.published).isEmpty();
    }

    @Test
    void parksAnOlderRowThatCanNeverBePublishedButFailsForOneOfItsOwn() {
        // given: an older poison row ahead of the change
        outbox.rows.add(new OutboxRow(1, UUID.randomUUID(), FleetTopics.TENANTS.name(), "poison",
                "not avro".getBytes(StandardCharsets.UTF_8), UUID.randomUUID(), null));
        outbox.rows.add(row(2, "own"));
        outbox.own.add(2L);
        // when
        delivery.deliverInTransaction().block();
        // then: parked as the relay would, and the change went out
        assertThat(outbox.parked).containsOnlyKeys(1L);
        assertThat(outbox.published).containsExactly(2L);

        // given: the change's own row can never be published
        outbox.rows.add(new OutboxRow(3, UUID.randomUUID(), FleetTopics.TENANTS.name(), "own-poison",
                "not avro".getBytes(StandardCharsets.UTF_8), UUID.randomUUID(), null));
        outbox.own.add(3L);
        // when / then
        assertThatThrownBy(() -> delivery.deliverInTransaction().block())
                .isInstanceOf(ChangeNotDeliveredException.class);
        assertThat(outbox.parked).doesNotContainKey(3L);
    }

    private static OutboxRow row(long id, String key) {
        return new OutboxRow(id, UUID.randomUUID(), FleetTopics.TENANTS.name(), key, SERDE.serialize(
                FleetTopics.TENANTS.name(), Tenant.newBuilder().setId(key).setName(key).setPlan(Plan.FREE)
                        .setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(60).setTokensPerDay(1000)
                        .setUpdatedAt(NOW).build()), UUID.randomUUID(), null);
    }

    /** The outbox as a list, with the rows the "current transaction" wrote. */
    private static final class FakeOutbox extends OutboxRepository {
        final List<OutboxRow> rows = new ArrayList<>();
        final Set<Long> own = new HashSet<>();
        final List<Long> published = new ArrayList<>();
        final Map<Long, String> parked = new HashMap<>();
        boolean locked;

        FakeOutbox() {
            super(null);
        }

        @Override
        public Mono<Void> becomePublisher(Duration timeout) {
            return Mono.fromRunnable(() -> locked = true);
        }

        @Override
        public Flux<OutboxRow> lockUnpublished(Collection<String> topics, int limit) {
            return Flux.fromIterable(rows)
                    .filter(r -> topics.contains(r.topic()) && !published.contains(r.id()) && !parked.containsKey(r.id()))
                    .take(limit);
        }

        @Override
        public Flux<Long> writtenByThisTransaction(List<Long> ids) {
            return Flux.fromIterable(ids).filter(own::contains);
        }

        @Override
        public Mono<Long> markPublished(List<Long> ids, Instant at) {
            published.addAll(ids);
            return Mono.just((long) ids.size());
        }

        @Override
        public Mono<Long> markFailed(long id, String failure, Instant at) {
            parked.put(id, failure);
            return Mono.just(1L);
        }
    }

    /** Acknowledges every send unless a failure is set for the key. */
    private static final class FakePublisher extends FleetPublisher {
        final Map<String, Exception> failures = new HashMap<>();
        final List<String> sentKeys = new ArrayList<>();

        FakePublisher() {
            super(null, "test");
        }

        @Override
        public <V extends SpecificRecord> CompletableFuture<SendResult<String, SpecificRecord>> publish(
                Topic<V> topic, String key, V value, EventContext context) {
            sentKeys.add(key);
            Exception failure = failures.get(key);
            return failure == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure);
        }
    }
}
