package dev.fleet.tools;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.fleet.events.v1.ReindexJob;
import dev.fleet.events.v1.ReindexState;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TopicRangeReader;
import dev.fleet.schemas.FleetTopics;

/**
 * The reindex jobs of {@code scripts/fleet status} ({@code fleet-tool reindex}): the latest state of each job
 * on {@code fleet.reindex.jobs.v1} (decision 0050), read from its beginning to its current end with a
 * group-less reader, most recently asked first: tenant, collection, state, items done / total, model version.
 * Limits: the {@code limit} most recent jobs only; a job's record outlives it until compaction or a tombstone.
 */
final class ReindexJobsTable {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    private ReindexJobsTable() {
    }

    /** The latest state of every job on the topic. */
    static List<ReindexJob> read(Map<String, Object> clientConfig) {
        Map<String, ReindexJob> latest = new LinkedHashMap<>();
        new TopicRangeReader(clientConfig, "fleet-tool-reindex").read(FleetTopics.REINDEX_JOBS, Instant.EPOCH, null,
                Duration.ofSeconds(10), record -> {
                    if (record.key() == null) {
                        return;
                    }
                    String key = new String(record.key(), StandardCharsets.UTF_8);
                    if (record.value() == null) {
                        latest.remove(key);
                        return;
                    }
                    try {
                        latest.put(key, SERDE.deserialize(FleetTopics.REINDEX_JOBS, record.value()));
                    } catch (RuntimeException unreadable) {
                        // a record this tool cannot decode is the DLQ's business, not status's
                    }
                });
        return new ArrayList<>(latest.values());
    }

    static String render(List<ReindexJob> jobs, int limit) {
        if (jobs.isEmpty()) {
            return "(no reindex jobs)\n";
        }
        Table table = new Table("REINDEX JOB", "TENANT", "COLLECTION", "STATE", "ITEMS", "MODEL VERSION", "UPDATED");
        jobs.stream().sorted(Comparator.comparing(ReindexJob::getRequestedAt).reversed()).limit(limit)
                .forEach(job -> table.row(job.getJobId(), job.getTenantId(), job.getCollection(), state(job),
                        job.getState() == ReindexState.REQUESTED ? "-"
                                : job.getItemsDone() + "/" + job.getItemsTotal(),
                        job.getModelVersion().isEmpty() ? "-" : job.getModel() + " " + job.getModelVersion(),
                        job.getUpdatedAt().toString()));
        return table.render();
    }

    private static String state(ReindexJob job) {
        String state = job.getState().name().toLowerCase();
        return job.getState() == ReindexState.FAILED && job.getError() != null ? state + ": " + job.getError() : state;
    }
}
