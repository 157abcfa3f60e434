package dev.fleet.embedding.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A fake model for unit tests: the vector of a text is {@code [length, position in the call]}, its
 * tokens are its words. Records every call.
 */
final class RecordingEmbedder implements TextEmbedder {

    final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String modelName() {
        return "all-minilm-l6-v2";
    }

    @Override
    public String modelVersion() {
        return "test-1";
    }

    @Override
    public int dimension() {
        return 2;
    }

    @Override
    public List<TextEmbedding> embedAll(List<String> texts) {
        calls.add(List.copyOf(texts));
        List<TextEmbedding> result = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            result.add(new TextEmbedding(new float[] {texts.get(i).length(), i}, texts.get(i).split(" ").length));
        }
        return result;
    }
}
