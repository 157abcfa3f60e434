package dev.fleet.embedding.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.fleet.events.v1.ReindexJob;
import dev.fleet.events.v1.ReindexState;

/**
 * Takes reindex jobs from {@code fleet.reindex.jobs.v1} (decision 0050): a REQUESTED job is run to its end
 * on this listener's own consumer thread, one job at a time per partition, so jobs spread over the
 * replicas with the topic's partitions and never hold up the item or request listeners. The progress
 * records the jobs themselves write on the topic (RUNNING, DONE, FAILED) are passed over.
 * <p>
 * A job is committed once it has run: a replica that stops mid-job leaves it to the replica that takes
 * the partition over, which runs it again (re-publishing a vector is idempotent: the topic is compacted).
 * {@code max.poll.interval.ms} is one hour, the longest a job may run before the group hands its partition
 * to another replica.
 */
@Component
public class ReindexJobListener {

    private final CollectionReindexer reindexer;

    public ReindexJobListener(CollectionReindexer reindexer) {
        this.reindexer = reindexer;
    }

    @KafkaListener(id = "reindex-jobs", idIsGroup = false,
            topics = "#{T(dev.fleet.schemas.FleetTopics).REINDEX_JOBS.name()}",
            properties = {"max.poll.records=1", "max.poll.interval.ms=3600000"})
    public void on(ConsumerRecord<String, ReindexJob> record) {
        ReindexJob job = record.value();
        if (job != null && job.getState() == ReindexState.REQUESTED) {
            reindexer.run(job, record.headers());
        }
    }
}
