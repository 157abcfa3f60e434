package dev.fleet.scorer.bench;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code scripts/fleet bench scorer}: runs {@link ScorerKernelBenchmark} (JMH 1.37, one fork per case) and
 * prints, per collection size, ms per top-10 query with each kernel, queries/s, and Vector API ÷ scalar
 * throughput (target ≥ 3). Arguments: {@code [items,...]} (default {@code 1000,100000,1000000}: 1,000 items
 * (1.5 MB) stay in the CPU caches and show the kernels' arithmetic; the large sizes stream from memory).
 */
public final class ScorerBenchmark {

    private ScorerBenchmark() {
    }

    public static void main(String[] args) throws RunnerException {
        String[] sizes = args.length > 0 ? args[0].split(",") : new String[] {"1000", "100000", "1000000"};
        Options options = new OptionsBuilder()
                .include(ScorerKernelBenchmark.class.getName() + ".top10")
                .param("items", sizes)
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(2))
                .jvmArgs("-Xms4g", "-Xmx4g", "-XX:+UseParallelGC", "--add-modules=jdk.incubator.vector")
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Map<Integer, double[]> bySize = new TreeMap<>(); // items -> {vector ms, scalar ms, vector error, scalar error}
        for (RunResult result : results) {
            int items = Integer.parseInt(result.getParams().getParam("items"));
            boolean vector = result.getParams().getParam("kernel").equals("vector");
            double[] row = bySize.computeIfAbsent(items, k -> new double[4]);
            row[vector ? 0 : 1] = result.getPrimaryResult().getScore();
            row[vector ? 2 : 3] = result.getPrimaryResult().getScoreError();
        }
        System.out.println();
        System.out.println("scorer: exact top-" + ScorerKernelBenchmark.TOP_K + " over normalized "
                + ScorerKernelBenchmark.DIMENSIONS + "-d vectors, one thread, VectorIndex.search");
        System.out.printf("%10s  %20s  %20s  %10s  %10s  %14s%n", "items", "vector-api ms/query", "scalar ms/query",
                "vector q/s", "scalar q/s", "vector÷scalar");
        bySize.forEach((items, row) -> System.out.printf("%10d  %12.3f ± %5.3f  %12.3f ± %5.3f  %10.1f  %10.1f  %13.2fx%n",
                items, row[0], row[2], row[1], row[3], 1000 / row[0], 1000 / row[1], row[1] / row[0]));
        System.out.println("(target vector÷scalar >= 3; bytes per item: the '# scorer-bench' lines above)");
    }
}
