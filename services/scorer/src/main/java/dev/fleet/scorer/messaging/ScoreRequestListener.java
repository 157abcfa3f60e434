package dev.fleet.scorer.messaging;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.platform.kafka.DecodeFailures;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.PendingSends;
import dev.fleet.platform.kafka.UsageRecorder;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.scorer.config.FleetScorerProperties;
import dev.fleet.scorer.domain.CollectionRules;
import dev.fleet.scorer.domain.RankingRules;
import dev.fleet.scorer.domain.ShardedSearch;

/**
 * Answers searches and recommendations (a {@code ScoreRequested} with {@code recommend} or {@code user} set):
 * each gets a {@code ScoreResult} keyed by its request id
 * (on the partition the requester reads when it named one: {@code replyPartition}) and, when it
 * did not fail, a {@code UsageRecorded} of one search query and, for a recommendation, a
 * {@code RecommendationServed} ({@link RecommendationsServed}). Both are ranked with the collection's
 * recommendation rules ({@link CollectionRules}: boosts, buries, pins), one snapshot per request, whose version
 * the {@code RecommendationServed} names. The offset is committed only after
 * the broker acknowledged all of them.
 * <p>
 * Co-partitioned (decision 0034): the score-requests partitions this replica is assigned decide which
 * item-vectors partitions it holds ({@link ItemVectorShards}); a request arrives on its collection's
 * partition, and {@link ShardedSearch} answers it only from a complete partition.
 */
@Component
public class ScoreRequestListener implements ConsumerSeekAware {

    private final ShardedSearch search;
    private final ItemVectorShards shards;
    private final FleetPublisher publisher;
    private final FleetScorerProperties properties;
    private final UsageRecorder usage;
    private final RecommendationsServed served;
    private final CollectionRules rules;
    private final Set<Integer> owned = new TreeSet<>();

    public ScoreRequestListener(ShardedSearch search, ItemVectorShards shards, FleetPublisher publisher,
            FleetScorerProperties properties, UsageRecorder usage, CollectionRules rules) {
        this.search = search;
        this.shards = shards;
        this.publisher = publisher;
        this.properties = properties;
        this.usage = usage;
        this.rules = rules;
        this.served = new RecommendationsServed(Clock.systemUTC());
    }

    /**
     * Called on every rebalance (with the newly assigned partitions; with none too): the item-vectors
     * partitions follow. Revocations alone change nothing, so an eager rebalance that revokes everything
     * and gives most of it back rebuilds only what moved.
     */
    @Override
    public synchronized void onPartitionsAssigned(Map<TopicPartition, Long> assignments,
            ConsumerSeekCallback callback) {
        assignments.keySet().forEach(tp -> owned.add(tp.partition()));
        shards.assign(Set.copyOf(owned));
    }

    @Override
    public synchronized void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> owned.remove(tp.partition()));
    }

    /**
     * Answers a polled batch: every request's outputs are sent as it is answered and the broker's
     * acknowledgements are awaited once for the batch (one round trip per poll instead of one per search),
     * before the container commits its offsets. A request that cannot be answered (no value, an undecodable
     * one, an unexpected failure) is reported by its index once the ones before it are acknowledged, so the
     * platform's error handler commits those, sends it to {@code fleet.score.requests.v1.dlq} and delivers
     * the rest again; a transient failure of the acknowledgements retries the whole batch (a requester takes
     * the first reply of a request id); an interruption (the container stopping) delivers the batch again.
     */
    @KafkaListener(id = "score-requests", idIsGroup = false,
            topics = "#{T(dev.fleet.schemas.FleetTopics).SCORE_REQUESTS.name()}",
            containerFactory = "fleetBatchListenerFactory")
    public void on(List<ConsumerRecord<String, ScoreRequested>> records) throws InterruptedException {
        PendingSends sends = new PendingSends(publisher);
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, ScoreRequested> record = records.get(i);
            try {
                answer(record, sends);
            } catch (RuntimeException e) {
                acknowledged(sends, records);
                throw new BatchListenerFailedException("cannot answer score request " + record.topic() + "-"
                        + record.partition() + "@" + record.offset() + ": " + e.getMessage(), e, i);
            }
        }
        acknowledged(sends, records);
    }

    private void answer(ConsumerRecord<String, ScoreRequested> record, PendingSends sends) throws InterruptedException {
        ScoreRequested request = record.value();
        if (request == null) {
            throw DecodeFailures.of(record).<RuntimeException>map(e -> e)
                    .orElseGet(() -> new IllegalArgumentException("score request " + record.key() + " has no value"));
        }
        RankingRules applied = rules.of(request.getTenantId(), request.getCollection());
        ScoreResult result = search.answer(request, record.partition(), applied);
        sends.publish(FleetTopics.SCORE_REPLIES, request.getReplyPartition(), request.getRequestId(), result,
                EventContext.causedBy(record.headers(), request.getTenantId()));
        if (result.getError() == null) {
            usage.publish(sends, record.headers(), request.getTenantId(), Meter.SEARCH_QUERIES, 1, null);
        }
        served.publish(sends, record.headers(), request, result, applied.version());
    }

    /** Waits for the batch's sends so far; a failure retries the batch from its first record. */
    private void acknowledged(PendingSends sends, List<ConsumerRecord<String, ScoreRequested>> records) {
        try {
            sends.awaitAcknowledged(properties.publishTimeout());
        } catch (RuntimeException e) {
            ConsumerRecord<String, ScoreRequested> first = records.get(0);
            throw new BatchListenerFailedException("replies of the score requests from " + first.topic() + "-"
                    + first.partition() + "@" + first.offset() + " were not acknowledged, to be retried: "
                    + e.getMessage(), e, 0);
        }
    }

}
