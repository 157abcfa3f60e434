package dev.fleet.orchestrator.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Experiment;
import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.ModelTarget;

class ExperimentBucketsTest {

    private static final String TENANT = "6f1c2b8e-4d0a-4c55-9d7e-0b5f3a2e9c11";
    /** Python: {@code int.from_bytes(sha256(b"<TENANT>\0user-42\0tone-test").digest()[:8], "big") % 10000}. */
    private static final int PINNED_BUCKET = 2918;

    @Test
    void bucketIsStableAcrossCallsAndPinnedAcrossReleases() {
        int bucket = ExperimentBuckets.bucket(TENANT, "user-42", "tone-test");

        assertThat(ExperimentBuckets.bucket(TENANT, "user-42", "tone-test")).isEqualTo(bucket);
        // pinned: a change of the hash would move every running experiment's users to other arms
        assertThat(bucket).isEqualTo(PINNED_BUCKET);
    }

    @Test
    void bucketDependsOnTenantUserAndExperiment() {
        int differentTenant = 0;
        int differentExperiment = 0;
        for (int i = 0; i < 1000; i++) {
            int bucket = ExperimentBuckets.bucket(TENANT, "user-" + i, "tone-test");
            assertThat(bucket).isBetween(0, ExperimentBuckets.BUCKETS - 1);
            differentTenant += bucket != ExperimentBuckets.bucket("another-tenant", "user-" + i, "tone-test") ? 1 : 0;
            differentExperiment += bucket != ExperimentBuckets.bucket(TENANT, "user-" + i, "length-test") ? 1 : 0;
        }
        assertThat(differentTenant).isGreaterThan(990);
        assertThat(differentExperiment).isGreaterThan(990);
    }

    @Test
    void armsTakeBucketRangesByWeightInDeclaredOrder() {
        Experiment experiment = experiment(arm("control", 90), arm("candidate", 10));

        assertThat(ExperimentBuckets.upperBounds(experiment.getArms())).containsExactly(9000, 10000);
        assertThat(ExperimentBuckets.arm(experiment, 0).getName()).isEqualTo("control");
        assertThat(ExperimentBuckets.arm(experiment, 8999).getName()).isEqualTo("control");
        assertThat(ExperimentBuckets.arm(experiment, 9000).getName()).isEqualTo("candidate");
        assertThat(ExperimentBuckets.arm(experiment, 9999).getName()).isEqualTo("candidate");
        assertThat(ExperimentBuckets.upperBounds(List.of(arm("a", 1), arm("b", 1), arm("c", 1))))
                .containsExactly(3333, 6666, 10000);
    }

    @Test
    void splitsTenThousandUsersInProportionToTheWeights() {
        Experiment experiment = experiment(arm("control", 90), arm("candidate", 10));
        Map<String, Integer> users = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            int bucket = ExperimentBuckets.bucket(TENANT, "user-" + i, experiment.getName());
            users.merge(ExperimentBuckets.arm(experiment, bucket).getName(), 1, Integer::sum);
        }
        // binomial(10000, 0.1) has a standard deviation of 30: five of them either side
        assertThat(users.get("candidate")).isBetween(850, 1150);
        assertThat(users.get("control")).isEqualTo(10_000 - users.get("candidate"));
    }

    private static Experiment experiment(ExperimentArm... arms) {
        return new Experiment("tone-test", List.of(arms), Instant.EPOCH);
    }

    private static ExperimentArm arm(String name, int weight) {
        return new ExperimentArm(name, weight, List.of(new ModelTarget("openai", name + "-model")));
    }
}
