package dev.fleet.orchestrator.domain;

import java.util.Comparator;
import java.util.List;

import dev.fleet.events.v1.ScoredItem;

/**
 * Composes an answer from search hits without a language model: the best passage, followed by the
 * runner-up when its score is within {@code closeness} of the best (the question may span both).
 * Limits: no summarising, no thresholding of weak matches — the scorer's top hit is always used.
 */
public final class ExtractiveAnswer {

    static final String PASSAGE_SEPARATOR = "\n\n";

    private final double closeness;

    public ExtractiveAnswer(double closeness) {
        this.closeness = closeness;
    }

    public String compose(String collection, List<ScoredItem> hits) {
        List<ScoredItem> passages = hits.stream()
                .filter(hit -> hit.getText() != null && !hit.getText().isBlank())
                .sorted(Comparator.comparingDouble(ScoredItem::getScore).reversed())
                .toList();
        if (passages.isEmpty()) {
            return noMatch(collection);
        }
        ScoredItem best = passages.get(0);
        String answer = best.getText().strip();
        if (passages.size() > 1) {
            ScoredItem second = passages.get(1);
            String secondText = second.getText().strip();
            if (best.getScore() - second.getScore() <= closeness && !secondText.equals(answer)) {
                answer = answer + PASSAGE_SEPARATOR + secondText;
            }
        }
        return answer;
    }

    public static String noMatch(String collection) {
        return "No passage in collection '" + collection + "' matches the question.";
    }
}
