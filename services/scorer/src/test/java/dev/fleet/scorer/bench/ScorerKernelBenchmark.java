package dev.fleet.scorer.bench;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.fleet.events.v1.ScoredItem;
import dev.fleet.schemas.ItemKey;
import dev.fleet.scorer.domain.MetadataFilter;
import dev.fleet.scorer.domain.VectorIndex;
import dev.fleet.scorer.domain.kernel.DotProduct;
import dev.fleet.scorer.domain.kernel.DotProducts;
import dev.fleet.scorer.domain.kernel.ScalarDotProduct;

/**
 * Exact top-10 over {@code items} random unit 384-d vectors in one collection, through the scorer's own
 * {@link VectorIndex#search} (kernel, compact blocks, bounded heap), with the Vector API kernel and with
 * the scalar one. Each trial also prints the measured heap bytes per item. Run by
 * {@link ScorerBenchmark} ({@code scripts/fleet bench scorer}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScorerKernelBenchmark {

    static final int DIMENSIONS = 384;
    static final int TOP_K = 10;
    private static final int QUERIES = 16;

    @Param({"1000", "100000", "1000000"})
    public int items;

    @Param({"vector", "scalar"})
    public String kernel;

    private VectorIndex index;
    private float[][] queries;
    private int next;

    @Setup(Level.Trial)
    public void load() {
        DotProduct dot = kernel.equals("vector") ? DotProducts.vectorApi() : ScalarDotProduct.INSTANCE;
        if (dot == null) {
            throw new IllegalStateException("the Vector API kernel is unavailable: run with --add-modules jdk.incubator.vector");
        }
        long before = usedHeapAfterGc();
        index = new VectorIndex(dot);
        SplittableRandom random = new SplittableRandom(items);
        float[] vector = new float[DIMENSIONS];
        for (int i = 0; i < items; i++) {
            fill(random, vector);
            index.upsert(new ItemKey("bench", "docs", "item-" + i), vector, "", Map.of());
        }
        long after = usedHeapAfterGc();
        queries = new float[QUERIES][DIMENSIONS];
        for (float[] query : queries) {
            fill(random, query);
        }
        System.out.printf("%n# scorer-bench items=%d kernel=%s heap-bytes-per-item=%.0f estimated-bytes-per-item=%.0f%n",
                items, dot.name(), (double) (after - before) / items,
                (double) index.approximateBytes("bench", "docs") / items);
    }

    @Benchmark
    public List<ScoredItem> top10() {
        float[] query = queries[next++ & (QUERIES - 1)];
        return index.search("bench", "docs", query, TOP_K, MetadataFilter.NONE);
    }

    private static void fill(SplittableRandom random, float[] vector) {
        for (int d = 0; d < vector.length; d++) {
            vector[d] = (float) (random.nextDouble() * 2 - 1);
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
