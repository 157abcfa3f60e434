package dev.fleet.orchestrator.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.fleet.events.v1.ReindexJob;
import dev.fleet.events.v1.ReindexState;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.MirroredRecord;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;

/**
 * Reindex jobs of collections (decision 0050): {@link #request} writes a REQUESTED job to the compacted
 * {@code fleet.reindex.jobs.v1}, where an embedding-worker replica picks it up and writes its progress
 * under the same key; every orchestrator replica mirrors the topic from its beginning, so {@link #find}
 * answers from any replica, moments after the worker wrote. Nothing is kept in PostgreSQL: the topic is
 * the job's record (one record, no outbox needed). A tombstone removes a job.
 */
public class ReindexJobs {

    private final Map<String, ReindexJob> jobs = new ConcurrentHashMap<>();
    private final FleetPublisher publisher;
    private final Clock clock;

    public ReindexJobs(FleetPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Registers the mirror; call while the context is built so it starts with {@link TopicMirrors}. */
    public ReindexJobs feed(TopicMirrors mirrors) {
        mirrors.fromBeginning(FleetTopics.REINDEX_JOBS, this::apply);
        return this;
    }

    void apply(MirroredRecord<ReindexJob> record) {
        if (record.value() == null) {
            jobs.remove(record.key());
        } else {
            jobs.put(record.key(), record.value());
        }
    }

    /** Publishes a new REQUESTED job for the collection; completes once the broker has it. */
    public Mono<ReindexJob> request(UUID tenantId, String collection) {
        Instant now = clock.instant();
        ReindexJob job = ReindexJob.newBuilder()
                .setJobId(UUID.randomUUID().toString())
                .setTenantId(tenantId.toString())
                .setCollection(collection)
                .setState(ReindexState.REQUESTED)
                .setRequestedAt(now)
                .setUpdatedAt(now)
                .build();
        return publisher.send(FleetTopics.REINDEX_JOBS, job.getJobId(), job, EventContext.newEvent(job.getTenantId()))
                .thenReturn(job)
                .doOnNext(sent -> jobs.putIfAbsent(sent.getJobId(), sent));
    }

    /** The job's latest state, if it is the tenant's and the collection's. */
    public Optional<ReindexJob> find(UUID tenantId, String collection, String jobId) {
        return Optional.ofNullable(jobs.get(jobId))
                .filter(job -> job.getTenantId().equals(tenantId.toString()) && job.getCollection().equals(collection));
    }

    /** Every job known, most recently requested first (for {@code scripts/fleet status}-style views). */
    public List<ReindexJob> recent(int limit) {
        return jobs.values().stream().sorted(Comparator.comparing(ReindexJob::getRequestedAt).reversed())
                .limit(limit).toList();
    }
}
