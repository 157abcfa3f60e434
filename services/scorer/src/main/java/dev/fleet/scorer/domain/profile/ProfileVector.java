package dev.fleet.scorer.domain.profile;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import dev.fleet.scorer.domain.DimensionMismatchException;

/**
 * A user's profile vector: the time-decayed weighted mean of the (unit) vectors of the items the user
 * interacted with. Interaction i counts {@code weight_i × 0.5^(age_i / halfLife)}, its age taken at query
 * time ({@code now − occurredAt}, never negative), so an interaction loses half its pull every half-life and
 * an item whose vector arrived after the interaction counts as soon as it is in the index. Items without a
 * vector (unknown, deleted, not embedded yet) are left out; an item interacted with twice counts twice.
 */
public final class ProfileVector {

    private ProfileVector() {
    }

    /**
     * The profile of {@code interactions}, or {@code null} when none of their items has a vector
     * ({@code vectorOf} returns null for those).
     *
     * @throws DimensionMismatchException if the items' vectors have different dimensions
     */
    public static float[] of(List<ProfileInteraction> interactions, Function<String, float[]> vectorOf, Instant now,
            Duration halfLife) {
        double halfLifeMillis = Math.max(1, halfLife.toMillis());
        long nowMillis = now.toEpochMilli();
        double[] sum = null;
        double total = 0;
        for (ProfileInteraction interaction : interactions) {
            float[] vector = vectorOf.apply(interaction.itemId());
            if (vector == null) {
                continue;
            }
            if (sum == null) {
                sum = new double[vector.length];
            } else if (vector.length != sum.length) {
                throw new DimensionMismatchException(vector.length, sum.length);
            }
            double weight = interaction.weight() * decay(nowMillis - interaction.occurredAtMillis(), halfLifeMillis);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += weight * vector[i];
            }
            total += weight;
        }
        if (sum == null || !(total > 0)) {
            return null;
        }
        float[] mean = new float[sum.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) (sum[i] / total);
        }
        return mean;
    }

    /** The factor an interaction of age {@code ageMillis} keeps: 1 when new (or in the future), ½ after a half-life. */
    public static double decay(long ageMillis, double halfLifeMillis) {
        return Math.pow(0.5, Math.max(0, ageMillis) / halfLifeMillis);
    }
}
