package dev.fleet.scorer.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.PendingSends;
import dev.fleet.platform.kafka.UsageRecorder;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.scorer.config.FleetScorerProperties;
import dev.fleet.scorer.domain.CollectionSearch;

/**
 * Answers searches and recommendations (a {@code ScoreRequested} with {@code recommend} set): each gets a
 * {@code ScoreResult} keyed by its request id
 * (on the partition the requester reads when it named one: {@code replyPartition}) and, when it
 * did not fail, a {@code UsageRecorded} of one search query. The offset is committed only after
 * the broker acknowledged both. Searches wait (once, bounded) for the index to be loaded
 * at start-up, so early answers are not missing items.
 */
@Component
public class ScoreRequestListener {

    private final CollectionSearch search;
    private final ItemVectorMirror itemVectors;
    private final FleetPublisher publisher;
    private final FleetScorerProperties properties;
    private final UsageRecorder usage;

    public ScoreRequestListener(CollectionSearch search, ItemVectorMirror itemVectors, FleetPublisher publisher,
            FleetScorerProperties properties, UsageRecorder usage) {
        this.search = search;
        this.itemVectors = itemVectors;
        this.publisher = publisher;
        this.properties = properties;
        this.usage = usage;
    }

    @KafkaListener(id = "score-requests", idIsGroup = false,
            topics = "#{T(dev.fleet.schemas.FleetTopics).SCORE_REQUESTS.name()}")
    public void on(ConsumerRecord<String, ScoreRequested> record) {
        ScoreRequested request = record.value();
        if (request == null) {
            throw new IllegalArgumentException("score request " + record.key() + " has no value");
        }
        itemVectors.awaitLoaded(properties.catchUpTimeout());
        ScoreResult result = search.answer(request);
        PendingSends sends = new PendingSends(publisher);
        sends.publish(FleetTopics.SCORE_REPLIES, request.getReplyPartition(), request.getRequestId(), result,
                EventContext.causedBy(record.headers(), request.getTenantId()));
        if (result.getError() == null) {
            usage.publish(sends, record.headers(), request.getTenantId(), Meter.SEARCH_QUERIES, 1, null);
        }
        sends.awaitAcknowledged(properties.publishTimeout());
    }
}
