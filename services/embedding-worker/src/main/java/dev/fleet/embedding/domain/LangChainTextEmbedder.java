package dev.fleet.embedding.domain;

import java.util.ArrayList;
import java.util.List;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.embedding.EmbeddingModel;

/**
 * A {@link TextEmbedder} over a langchain4j in-process model (ONNX), e.g. all-MiniLM-L6-v2.
 * Thread-safe as the model is. Vectors are L2-normalised here even when the model already does it
 * (cheap, and the fleet's scorer relies on it); a zero vector stays zero.
 * <p>
 * Token counts come from a separate tokenizer with the model's vocabulary (BERT uncased WordPiece
 * for MiniLM), counted without special tokens. Limits: texts longer than the model's window are
 * split and averaged by langchain4j, so their vector is coarser; their tokens are all counted.
 */
public class LangChainTextEmbedder implements TextEmbedder {

    private final String modelName;
    private final String modelVersion;
    private final EmbeddingModel model;
    private final TokenCountEstimator tokenizer;

    public LangChainTextEmbedder(String modelName, String modelVersion, EmbeddingModel model,
            TokenCountEstimator tokenizer) {
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public String modelVersion() {
        return modelVersion;
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public List<TextEmbedding> embedAll(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String text : texts) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("cannot embed a blank text");
            }
            segments.add(TextSegment.from(text));
        }
        List<Embedding> embeddings = model.embedAll(segments).content();
        if (embeddings.size() != texts.size()) {
            throw new IllegalStateException("model " + modelName + " returned " + embeddings.size()
                    + " vectors for " + texts.size() + " texts");
        }
        List<TextEmbedding> result = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            result.add(new TextEmbedding(normalised(embeddings.get(i).vector()),
                    tokenizer.estimateTokenCountInText(texts.get(i))));
        }
        return result;
    }

    /** {@code vector} scaled to unit length; a zero vector is returned unchanged. */
    static float[] normalised(float[] vector) {
        double sumOfSquares = 0;
        for (float v : vector) {
            sumOfSquares += (double) v * v;
        }
        if (sumOfSquares == 0) {
            return vector;
        }
        double norm = Math.sqrt(sumOfSquares);
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }
}
