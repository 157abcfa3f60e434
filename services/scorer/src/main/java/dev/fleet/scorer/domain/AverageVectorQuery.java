package dev.fleet.scorer.domain;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The query of a recommendation by example, Qdrant's {@code average_vector} strategy: {@code mean(positive) +
 * (mean(positive) - mean(negative))}, or {@code mean(positive)} without negatives, over the examples' stored
 * unit vectors (the caller normalizes it). Every example must be in the collection, all of one dimension.
 */
final class AverageVectorQuery {

    private AverageVectorQuery() {
    }

    /**
     * @throws UnknownItemsException      naming every example not in {@code blocks}
     * @throws DimensionMismatchException if the examples have different dimensions
     */
    static float[] of(List<VectorBlock> blocks, List<String> positive, List<String> negative) {
        Set<String> examples = new LinkedHashSet<>(positive);
        examples.addAll(negative);
        List<String> unknown = examples.stream().filter(id -> blocks.stream().noneMatch(b -> b.contains(id))).toList();
        if (!unknown.isEmpty()) {
            throw new UnknownItemsException(unknown);
        }
        float[] positiveMean = mean(blocks, positive);
        if (negative.isEmpty()) {
            return positiveMean;
        }
        float[] negativeMean = mean(blocks, negative);
        if (negativeMean.length != positiveMean.length) {
            throw new DimensionMismatchException(negativeMean.length, positiveMean.length);
        }
        float[] query = new float[positiveMean.length];
        for (int i = 0; i < query.length; i++) {
            query[i] = 2 * positiveMean[i] - negativeMean[i];
        }
        return query;
    }

    private static float[] mean(List<VectorBlock> blocks, List<String> ids) {
        List<float[]> vectors = new ArrayList<>(ids.size());
        for (String id : ids) {
            for (VectorBlock block : blocks) {
                float[] vector = block.vector(id);
                if (vector != null) {
                    vectors.add(vector);
                    break;
                }
            }
        }
        float[] sum = new float[vectors.get(0).length];
        for (float[] vector : vectors) {
            if (vector.length != sum.length) {
                throw new DimensionMismatchException(vector.length, sum.length);
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += vector[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= vectors.size();
        }
        return sum;
    }
}
