package dev.fleet.embedding.domain;

/**
 * The embedding of one text and the number of model tokens it took.
 *
 * @param vector L2-normalised
 * @param tokens tokens of the text, without the model's special tokens
 */
public record TextEmbedding(float[] vector, int tokens) {
}
