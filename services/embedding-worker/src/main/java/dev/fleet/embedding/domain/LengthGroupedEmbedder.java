package dev.fleet.embedding.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Embeds one micro-batch as groups of texts of similar length, the groups spread over the inference
 * threads, and puts the vectors back in input order.
 * <p>
 * The texts are ordered by length (UTF-16 chars, a cheap proxy for model tokens: it costs nothing,
 * where the model's WordPiece tokenizer would tokenize every text twice) and cut into runs of at most
 * {@code groupSize} consecutive texts, at least one run per thread, so that a batched model call pads
 * each run only to its own longest text and every thread gets runs of about equal cost. Each run is one
 * call of the delegate on {@code executor}, the longest runs submitted first.
 * <p>
 * Limits: the in-jar langchain4j model runs ONNX on one text at a time (no padding at all), so with it
 * the grouping buys equal-cost work per thread, not less padding; a backend with a padded batch
 * (e.g. ONNX with a batch dimension) gets both. Length is a proxy: two texts of one length can differ
 * in tokens.
 */
public class LengthGroupedEmbedder implements TextEmbedder {

    private final TextEmbedder delegate;
    private final Executor executor;
    private final int threads;
    private final int groupSize;

    /**
     * @param delegate  the model, called once per group from an inference thread
     * @param executor  the inference threads
     * @param threads   how many threads {@code executor} runs (groups are cut so each gets work)
     * @param groupSize most texts per group
     */
    public LengthGroupedEmbedder(TextEmbedder delegate, Executor executor, int threads, int groupSize) {
        if (threads < 1 || groupSize < 1) {
            throw new IllegalArgumentException("threads and group size must be positive");
        }
        this.delegate = delegate;
        this.executor = executor;
        this.threads = threads;
        this.groupSize = groupSize;
    }

    @Override
    public String modelName() {
        return delegate.modelName();
    }

    @Override
    public String modelVersion() {
        return delegate.modelVersion();
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public List<TextEmbedding> embedAll(List<String> texts) {
        for (String text : texts) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("cannot embed a blank text");
            }
        }
        if (texts.isEmpty()) {
            return List.of();
        }
        List<int[]> groups = groups(texts);
        List<CompletableFuture<List<TextEmbedding>>> calls = new ArrayList<>(groups.size());
        for (int[] group : groups) {
            calls.add(null);
        }
        // the longest groups first: a thread that drew short ones takes the next, and no long group is left
        // to run alone at the end of the batch (longest processing time first)
        for (int g = groups.size() - 1; g >= 0; g--) {
            List<String> groupTexts = Arrays.stream(groups.get(g)).mapToObj(texts::get).toList();
            calls.set(g, CompletableFuture.supplyAsync(() -> delegate.embedAll(groupTexts), executor));
        }
        TextEmbedding[] result = new TextEmbedding[texts.size()];
        for (int g = 0; g < groups.size(); g++) {
            List<TextEmbedding> embedded = join(calls.get(g));
            int[] group = groups.get(g);
            if (embedded.size() != group.length) {
                throw new IllegalStateException("model " + modelName() + " returned " + embedded.size()
                        + " vectors for " + group.length + " texts");
            }
            for (int i = 0; i < group.length; i++) {
                result[group[i]] = embedded.get(i);
            }
        }
        return Arrays.asList(result);
    }

    /** The input indexes of each group: ordered by text length, cut into runs of similar length. */
    List<int[]> groups(List<String> texts) {
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length())); // stable: ties keep input order
        int size = Math.max(1, Math.min(groupSize, (order.length + threads - 1) / threads));
        List<int[]> groups = new ArrayList<>();
        for (int start = 0; start < order.length; start += size) {
            int[] group = new int[Math.min(size, order.length - start)];
            for (int i = 0; i < group.length; i++) {
                group[i] = order[start + i];
            }
            groups.add(group);
        }
        return groups;
    }

    private static List<TextEmbedding> join(CompletableFuture<List<TextEmbedding>> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }
}
