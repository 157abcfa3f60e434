package dev.fleet.orchestrator.domain.prompts;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two template texts by longest common subsequence: every line of either text once,
 * in order, marked kept, removed (only in the old text) or added (only in the new one), removals
 * before additions where lines changed. Limits: quadratic in lines, meant for prompts (a few hundred
 * lines at most); no hunks or context trimming — prompts are short enough to show whole.
 */
public final class PromptDiff {

    /** What happened to one line. */
    public enum Change { KEPT, REMOVED, ADDED }

    public record Line(Change change, String text) {

        /** The line in unified-diff style: {@code " "}, {@code "-"} or {@code "+"}, then the text. */
        public String unified() {
            return switch (change) {
                case KEPT -> " ";
                case REMOVED -> "-";
                case ADDED -> "+";
            } + text;
        }
    }

    private PromptDiff() {
    }

    public static List<Line> lines(String from, String to) {
        String[] a = from.split("\n", -1);
        String[] b = to.split("\n", -1);
        int[][] common = new int[a.length + 1][b.length + 1]; // common[i][j]: LCS length of a[i..], b[j..]
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<Line> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                lines.add(new Line(Change.KEPT, a[i++]));
                j++;
            } else if (j == b.length || (i < a.length && common[i + 1][j] >= common[i][j + 1])) {
                lines.add(new Line(Change.REMOVED, a[i++]));
            } else {
                lines.add(new Line(Change.ADDED, b[j++]));
            }
        }
        return lines;
    }
}
