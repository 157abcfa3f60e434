package dev.fleet.platform.risk;

/**
 * What is wrong with one part of a rule set.
 *
 * @param rule the rule's id, or {@code null} for the rule set as a whole
 * @param field the field at fault: {@code condition}, {@code id}, {@code score}, {@code reason},
 *     {@code reviewAt}, {@code declineAt} or {@code rules}
 * @param position the 0-based character of the condition where the error is, or -1
 * @param message what is wrong, for the person who wrote it
 */
public record RuleSetProblem(String rule, String field, int position, String message) {

    @Override
    public String toString() {
        String where = rule == null ? field : "rule " + rule + ", " + field;
        return position < 0 ? where + ": " + message : where + " at position " + position + ": " + message;
    }
}
