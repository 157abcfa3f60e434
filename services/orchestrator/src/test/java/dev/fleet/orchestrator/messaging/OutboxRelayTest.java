package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.SendResult;
import org.springframework.transaction.reactive.TransactionCallback;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.orchestrator.persistence.OutboxRepository;
import dev.fleet.orchestrator.persistence.OutboxRow;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class OutboxRelayTest {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final byte[] GARBAGE = "definitely not avro".getBytes(StandardCharsets.UTF_8);

    private final FakeOutbox outbox = new FakeOutbox();
    private final FakePublisher publisher = new FakePublisher();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final OutboxRelay relay = new OutboxRelay(outbox, new NoTransactions(), publisher, SERDE,
            Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMillis(100), 10, Duration.ofSeconds(5), meters);

    @Test
    void parksRowsThatCanNeverBePublishedAndPublishesTheRowsAfterThem() {
        // given
        outbox.rows.add(row(1, FleetTopics.TENANTS.name(), "undecodable", GARBAGE));
        outbox.rows.add(row(2, "fleet.not-in-the-catalog.v1", "uncataloged", tenant("a")));
        outbox.rows.add(row(3, FleetTopics.TENANTS.name(), "fine", tenant("b")));
        outbox.rows.add(row(4, FleetTopics.TENANTS.name(), "huge", tenant("c")));
        outbox.rows.add(row(5, FleetTopics.TENANTS.name(), "unserializable", tenant("d")));
        outbox.rows.add(row(6, FleetTopics.TENANTS.name(), "also-fine", tenant("e")));
        publisher.outcomes.put("huge", () -> CompletableFuture.failedFuture(
                new KafkaException("Send failed", new RecordTooLargeException("The message is 2000000 bytes"))));
        publisher.outcomes.put("unserializable", () -> {
            throw new SerializationException("cannot encode");
        });

        // when
        OutboxRelay.Round round = relay.drain().block();

        // then
        assertThat(round).isEqualTo(new OutboxRelay.Round(2, 4, false));
        assertThat(outbox.published).containsExactly(3L, 6L);
        assertThat(outbox.parked).containsOnlyKeys(1L, 2L, 4L, 5L);
        assertThat(outbox.parked.get(1L)).contains("does not decode as Tenant")
                .doesNotContain("0x64"); // the decoder's message quotes the payload's first bytes
        assertThat(outbox.parked.get(2L)).contains("not in the catalog");
        assertThat(outbox.parked.get(4L)).contains("RecordTooLargeException");
        assertThat(outbox.parked.get(5L)).contains("SerializationException");
        assertThat(publisher.sentKeys).containsExactly("fine", "huge", "unserializable", "also-fine");
    }

    @Test
    void stopsBetweenRoundsWithoutWaitingForTheNextTick() {
        // given: a relay that runs a round every hour and has finished its first
        OutboxRelay hourly = new OutboxRelay(outbox, new NoTransactions(), publisher, SERDE,
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1), 10, Duration.ofSeconds(30), meters);
        outbox.rows.add(row(1, FleetTopics.TENANTS.name(), "fine", tenant("a")));
        hourly.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.published.contains(1L));

        // when / then: it stops at once, not after its send timeout (35 s) waiting for a tick an hour away
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> hourly.stop());
        assertThat(hourly.isRunning()).isFalse();
    }

    @Test
    void keepsATransientlyFailedRowAndEveryRowAfterItForTheNextRound() {
        // given
        outbox.rows.add(row(1, FleetTopics.TENANTS.name(), "fine", tenant("a")));
        outbox.rows.add(row(2, FleetTopics.TENANTS.name(), "broker-down", tenant("b")));
        outbox.rows.add(row(3, FleetTopics.TENANTS.name(), "undecodable", GARBAGE));
        outbox.rows.add(row(4, FleetTopics.TENANTS.name(), "also-fine", tenant("c")));
        publisher.outcomes.put("broker-down",
                () -> CompletableFuture.failedFuture(new TimeoutException("Expiring 1 record(s)")));

        // when
        OutboxRelay.Round round = relay.drain().block();

        // then
        assertThat(round).isEqualTo(new OutboxRelay.Round(1, 0, true));
        assertThat(outbox.published).containsExactly(1L);
        assertThat(outbox.parked).isEmpty();
    }

    @Test
    void waitsForANewerReplicaRatherThanParkingARowOfAnUnknownSchema() {
        // given: a valid record whose writer-schema fingerprint this replica does not know
        byte[] fromTheFuture = tenant("a");
        fromTheFuture[2] ^= 0x5a;
        outbox.rows.add(row(1, FleetTopics.TENANTS.name(), "newer", fromTheFuture));
        outbox.rows.add(row(2, FleetTopics.TENANTS.name(), "fine", tenant("b")));

        // when
        OutboxRelay.Round round = relay.drain().block();

        // then
        assertThat(round).isEqualTo(new OutboxRelay.Round(0, 0, true));
        assertThat(outbox.published).isEmpty();
        assertThat(outbox.parked).isEmpty();
        assertThat(publisher.sentKeys).isEmpty(); // a synchronous failure stops the batch
    }

    @Test
    void gaugesThePendingAndParkedRows() {
        // given
        assertThat(meters.get("fleet.outbox.pending").gauge().value()).isNaN();
        outbox.backlog = new OutboxRepository.Backlog(7, 2);

        // when
        relay.refreshBacklog().block();

        // then
        assertThat(meters.get("fleet.outbox.pending").gauge().value()).isEqualTo(7.0);
        assertThat(meters.get("fleet.outbox.parked").gauge().value()).isEqualTo(2.0);
    }

    private static OutboxRow row(long id, String topic, String key, byte[] payload) {
        return new OutboxRow(id, UUID.randomUUID(), topic, key, payload, UUID.randomUUID(), null);
    }

    private static byte[] tenant(String name) {
        return SERDE.serialize(FleetTopics.TENANTS.name(), Tenant.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setName(name)
                .setPlan(Plan.FREE)
                .setStatus(TenantStatus.ACTIVE)
                .setRequestsPerMinute(60)
                .setTokensPerDay(1000)
                .setUpdatedAt(NOW)
                .build());
    }

    /** The outbox as a list; records what the relay marks. */
    private static final class FakeOutbox extends OutboxRepository {
        final List<OutboxRow> rows = new ArrayList<>();
        final List<Long> published = new CopyOnWriteArrayList<>(); // read by a test while the relay runs
        final Map<Long, String> parked = new HashMap<>();
        Backlog backlog;

        FakeOutbox() {
            super(null);
        }

        @Override
        public Mono<Boolean> tryBecomeRelay() {
            return Mono.just(true);
        }

        @Override
        public Flux<OutboxRow> lockUnpublished(int limit) {
            return Flux.fromIterable(rows).take(limit);
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

        @Override
        public Mono<Backlog> backlog() {
            return Mono.justOrEmpty(backlog);
        }
    }

    /** Acknowledges every send unless an outcome is set for the key. */
    private static final class FakePublisher extends FleetPublisher {
        final Map<String, Supplier<CompletableFuture<SendResult<String, SpecificRecord>>>> outcomes = new HashMap<>();
        final List<String> sentKeys = new ArrayList<>();

        FakePublisher() {
            super(null, "test");
        }

        @Override
        public <V extends SpecificRecord> CompletableFuture<SendResult<String, SpecificRecord>> publish(
                Topic<V> topic, String key, V value, EventContext context) {
            sentKeys.add(key);
            return outcomes.getOrDefault(key, () -> CompletableFuture.completedFuture(null)).get();
        }
    }

    private static final class NoTransactions implements TransactionalOperator {
        @Override
        public <T> Mono<T> transactional(Mono<T> mono) {
            return mono;
        }

        @Override
        public <T> Flux<T> execute(TransactionCallback<T> action) {
            throw new UnsupportedOperationException();
        }
    }
}
