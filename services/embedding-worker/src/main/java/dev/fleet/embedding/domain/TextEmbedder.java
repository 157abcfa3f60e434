package dev.fleet.embedding.domain;

import java.util.List;

/** An embedding model: texts in, one L2-normalised vector per text out, in order. */
public interface TextEmbedder {

    /** The model's name in the fleet, e.g. {@code all-minilm-l6-v2}. */
    String modelName();

    /**
     * The version of the model's weights and tokenizer, e.g. the version of the artifact that ships
     * them; vectors of different versions of one model are not comparable.
     */
    String modelVersion();

    /** Length of every vector. */
    int dimension();

    /**
     * Embeds {@code texts} in one model call.
     *
     * @throws IllegalArgumentException if a text is blank (the model cannot embed it)
     */
    List<TextEmbedding> embedAll(List<String> texts);
}
