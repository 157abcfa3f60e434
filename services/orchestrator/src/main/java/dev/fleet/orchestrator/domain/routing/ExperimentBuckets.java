package dev.fleet.orchestrator.domain.routing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import dev.fleet.events.v1.Experiment;
import dev.fleet.events.v1.ExperimentArm;

/**
 * Sticky experiment assignment without shared state: a user's bucket is a stable hash (SHA-256)
 * of (tenant, user, experiment) modulo {@value #BUCKETS}, and the arms take consecutive bucket
 * ranges in declared order, each as wide as its share of the total weight. Every replica, before
 * and after a restart, puts a user in the same arm; a user's arms in different experiments are
 * independent (the experiment's name is hashed too).
 * <p>
 * Limit: changing the weights of a running experiment moves users between arms, which is why
 * the admin API refuses it (a new experiment name starts a new assignment).
 */
public final class ExperimentBuckets {

    public static final int BUCKETS = 10_000;

    private ExperimentBuckets() {
    }

    public static int bucket(String tenantId, String user, String experiment) {
        byte[] digest = sha256(tenantId + "\0" + user + "\0" + experiment);
        return (int) Long.remainderUnsigned(ByteBuffer.wrap(digest, 0, Long.BYTES).getLong(), BUCKETS);
    }

    /** The arm whose bucket range holds {@code bucket}. */
    public static ExperimentArm arm(Experiment experiment, int bucket) {
        List<ExperimentArm> arms = experiment.getArms();
        int[] bounds = upperBounds(arms);
        for (int i = 0; i < arms.size(); i++) {
            if (bucket < bounds[i]) {
                return arms.get(i);
            }
        }
        throw new IllegalArgumentException("bucket " + bucket + " is outside 0-" + (BUCKETS - 1));
    }

    /**
     * The exclusive upper bucket of each arm's range, in declared order: arm {@code i} holds
     * {@code [bounds[i-1], bounds[i])} (from 0 for the first); the last bound is {@value #BUCKETS}.
     */
    public static int[] upperBounds(List<ExperimentArm> arms) {
        long total = arms.stream().mapToLong(ExperimentArm::getWeight).sum();
        if (arms.isEmpty() || total <= 0) {
            throw new IllegalArgumentException("an experiment needs arms with positive weights");
        }
        int[] bounds = new int[arms.size()];
        long cumulative = 0;
        for (int i = 0; i < arms.size(); i++) {
            cumulative += arms.get(i).getWeight();
            bounds[i] = (int) (cumulative * BUCKETS / total);
        }
        return bounds;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
