package dev.fleet.orchestrator.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

import dev.fleet.orchestrator.domain.ChangeNotDeliveredException;
import dev.fleet.orchestrator.messaging.OutboxSender.Delivery;
import dev.fleet.orchestrator.messaging.OutboxSender.Outcome;
import dev.fleet.orchestrator.persistence.OutboxRepository;
import dev.fleet.orchestrator.persistence.OutboxRow;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.Topic;

import reactor.core.publisher.Mono;

/**
 * Read-your-writes for admin changes: inside the writer's own transaction, takes the relay's
 * advisory lock (waiting at most the bound), publishes every unpublished, unparked row of the view
 * topics in id order — older rows first, then the ones this transaction wrote — waits for Kafka's
 * acknowledgements and marks them published in the same transaction (older rows that can never be
 * published are parked, as the relay would park them).
 * <p>
 * Because the lock is the relay's, the relay and an admin write never publish at the same time,
 * and rows of one topic leave in id order. A row the transaction wrote is invisible to the relay
 * until the commit, which also marks it published, so the relay never publishes it too. Anything
 * short of every row settled within {@code timeout} (Kafka away, a record of this change that can
 * never be published) fails with {@link ChangeNotDeliveredException}: the transaction rolls back,
 * including the published marks of older rows, which the relay then publishes again (the same
 * state under the same event id: a harmless duplicate on a compacted topic).
 * <p>
 * Limit (the dual write that remains, see {@code docs/decisions/0012-read-your-writes.md}): a
 * record acknowledged after the bound, or before a commit that then fails, is on the topic although
 * the change rolled back.
 */
public class OutboxDelivery {

    private final OutboxRepository outbox;
    private final OutboxSender sender;
    private final OutboxSettlement settlement;
    private final List<String> topics;
    private final Duration timeout;
    private final int batchSize;

    public OutboxDelivery(OutboxRepository outbox, FleetPublisher publisher, FleetSerde serde, Clock clock,
            Collection<? extends Topic<?>> topics, Duration timeout, int batchSize) {
        this.outbox = outbox;
        this.sender = new OutboxSender(publisher, serde);
        this.settlement = new OutboxSettlement(outbox, clock);
        this.topics = topics.stream().map(Topic::name).toList();
        this.timeout = timeout;
        this.batchSize = batchSize;
    }

    /**
     * Publishes the view topics' pending rows in the caller's transaction; see the class comment.
     * Database failures other than the lock wait stay what they are (the change rolls back either way).
     */
    public Mono<Void> deliverInTransaction() {
        return Mono.defer(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            return outbox.becomePublisher(timeout)
                    .onErrorMap(e -> new ChangeNotDeliveredException(
                            "the outbox stayed locked by another publisher for " + timeout, e))
                    .then(deliverBatch(deadline)
                            .expand(full -> full ? deliverBatch(deadline) : Mono.empty())
                            .then())
                    // a backstop: the lock wait and the sends have their own bounds
                    .timeout(timeout.plusSeconds(1), Mono.error(() -> new ChangeNotDeliveredException(
                            "the change's records were not acknowledged by Kafka within " + timeout, null)));
        });
    }

    /** One batch; true when it was full and more rows may wait. */
    private Mono<Boolean> deliverBatch(long deadline) {
        return outbox.lockUnpublished(topics, batchSize).collectList().flatMap(rows -> rows.isEmpty()
                ? Mono.just(false)
                : sender.publishInOrder(rows, remaining(deadline)).flatMap(deliveries -> settle(rows, deliveries)));
    }

    /**
     * Every row must be settled. Older rows that can never be published are parked, as the relay
     * would; one written by this transaction fails the change instead (its record would never arrive).
     */
    private Mono<Boolean> settle(List<OutboxRow> rows, List<Delivery> deliveries) {
        if (deliveries.size() < rows.size()) {
            return Mono.error(new ChangeNotDeliveredException(
                    "Kafka did not acknowledge every pending record of " + topics, null));
        }
        List<Long> parked = deliveries.stream().filter(d -> d.outcome() == Outcome.PARKED)
                .map(d -> d.row().id()).toList();
        Mono<Void> ownRecordsPublishable = parked.isEmpty() ? Mono.empty()
                : outbox.writtenByThisTransaction(parked).hasElements().flatMap(own -> own
                        ? Mono.error(new ChangeNotDeliveredException("a record of this change can never be published",
                                null))
                        : Mono.empty());
        return ownRecordsPublishable.then(settlement.settle(deliveries)).thenReturn(rows.size() == batchSize);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }
}
