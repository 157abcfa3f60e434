package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ReindexJob;
import dev.fleet.events.v1.ReindexState;

class ReindexJobsTableTest {

    @Test
    void showsEachJobsStateAndItemsDoneOfTotalMostRecentFirst() {
        // given an older finished job and a newer running one
        ReindexJob done = job("j-1", ReindexState.DONE, 40, 40, Instant.parse("2026-12-01T10:00:00Z"));
        ReindexJob running = job("j-2", ReindexState.RUNNING, 7, 20, Instant.parse("2026-12-01T11:00:00Z"));

        // when
        String table = ReindexJobsTable.render(List.of(done, running), 10);

        // then
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).startsWith("REINDEX JOB").contains("STATE", "ITEMS", "MODEL VERSION");
        assertThat(lines.get(1)).startsWith("j-2").contains("docs", "running", "7/20", "all-minilm-l6-v2 v2");
        assertThat(lines.get(2)).startsWith("j-1").contains("done", "40/40");
    }

    @Test
    void saysSoWhenThereAreNone() {
        assertThat(ReindexJobsTable.render(List.of(), 10)).isEqualTo("(no reindex jobs)\n");
    }

    private static ReindexJob job(String id, ReindexState state, long done, long total, Instant requestedAt) {
        return ReindexJob.newBuilder().setJobId(id).setTenantId("t1").setCollection("docs").setState(state)
                .setModel("all-minilm-l6-v2").setModelVersion("v2").setItemsDone(done).setItemsTotal(total)
                .setRequestedAt(requestedAt).setUpdatedAt(requestedAt).build();
    }
}
