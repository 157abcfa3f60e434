package dev.fleet.orchestrator.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a finished text into stream pieces of {@code wordsPerChunk} words, each piece carrying the
 * whitespace before its first word, so the pieces concatenate to exactly the original text.
 */
public final class ReplyChunker {

    private static final Pattern WORD = Pattern.compile("\\s*\\S+");

    private final int wordsPerChunk;

    public ReplyChunker(int wordsPerChunk) {
        if (wordsPerChunk < 1) {
            throw new IllegalArgumentException("wordsPerChunk must be >= 1");
        }
        this.wordsPerChunk = wordsPerChunk;
    }

    public List<String> split(String text) {
        List<String> chunks = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return chunks;
        }
        Matcher words = WORD.matcher(text);
        StringBuilder current = new StringBuilder();
        int inCurrent = 0;
        int end = 0;
        while (words.find()) {
            current.append(words.group());
            end = words.end();
            if (++inCurrent == wordsPerChunk) {
                chunks.add(current.toString());
                current.setLength(0);
                inCurrent = 0;
            }
        }
        current.append(text, end, text.length()); // trailing whitespace, or all of a blank text
        if (!current.isEmpty()) {
            if (inCurrent == 0 && !chunks.isEmpty()) {
                chunks.set(chunks.size() - 1, chunks.get(chunks.size() - 1) + current);
            } else {
                chunks.add(current.toString());
            }
        }
        return chunks;
    }
}
