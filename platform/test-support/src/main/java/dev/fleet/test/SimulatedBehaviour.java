package dev.fleet.test;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@link OpenAiSimulator} answers one chat request: its time to first token, its token rate,
 * and the failure it injects (an HTTP error status, a disconnect or a stall after some tokens).
 * Immutable; {@link #normal()} answers at once and completely, the {@code with…} methods change one
 * knob. The same knobs are read from command-line flags ({@code --ttft 500ms}) and from request
 * headers ({@code x-simulator-ttft: 500ms}), see {@link #with(String, String)}.
 *
 * @param timeToFirstToken  wait before the first byte of the answer (the whole answer when not streaming)
 * @param tokensPerSecond   pacing of the streamed tokens after the first; 0 = as fast as possible
 * @param errorStatus       0 = answer normally; otherwise answer this HTTP status with OpenAI's error object
 *                          (after the time to first token; 429 and 503 carry {@code Retry-After: 1})
 * @param disconnectAfter   close the connection abruptly after this many streamed tokens, when the next
 *                          one was due (no finish, no {@code [DONE]}; a non-streaming request gets no
 *                          response at all); -1 = never
 * @param stallAfter        after this many streamed tokens, send nothing for {@code stallFor}; -1 = never
 * @param stallFor          how long a stall lasts (the stream then continues)
 * @param answerTokens      0 = answer {@link OpenAiSimulator#answerTo(String)}; otherwise an answer of
 *                          exactly this many tokens (one word each)
 */
public record SimulatedBehaviour(
        Duration timeToFirstToken,
        double tokensPerSecond,
        int errorStatus,
        int disconnectAfter,
        int stallAfter,
        Duration stallFor,
        int answerTokens) {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");

    public SimulatedBehaviour {
        if (timeToFirstToken == null || timeToFirstToken.isNegative() || stallFor == null || stallFor.isNegative()) {
            throw new IllegalArgumentException("durations must be zero or positive");
        }
        if (tokensPerSecond < 0 || answerTokens < 0 || disconnectAfter < -1 || stallAfter < -1) {
            throw new IllegalArgumentException("counts and rates must not be negative (-1 = never)");
        }
        if (errorStatus != 0 && (errorStatus < 400 || errorStatus > 599)) {
            throw new IllegalArgumentException("errorStatus must be 0 or an HTTP error status, not " + errorStatus);
        }
    }

    /** Answers at once, completely, at full speed. */
    public static SimulatedBehaviour normal() {
        return new SimulatedBehaviour(Duration.ZERO, 0, 0, -1, -1, Duration.ZERO, 0);
    }

    public SimulatedBehaviour withTimeToFirstToken(Duration ttft) {
        return new SimulatedBehaviour(ttft, tokensPerSecond, errorStatus, disconnectAfter, stallAfter, stallFor,
                answerTokens);
    }

    public SimulatedBehaviour withTokensPerSecond(double rate) {
        return new SimulatedBehaviour(timeToFirstToken, rate, errorStatus, disconnectAfter, stallAfter, stallFor,
                answerTokens);
    }

    public SimulatedBehaviour withErrorStatus(int status) {
        return new SimulatedBehaviour(timeToFirstToken, tokensPerSecond, status, disconnectAfter, stallAfter,
                stallFor, answerTokens);
    }

    public SimulatedBehaviour withDisconnectAfter(int tokens) {
        return new SimulatedBehaviour(timeToFirstToken, tokensPerSecond, errorStatus, tokens, stallAfter, stallFor,
                answerTokens);
    }

    public SimulatedBehaviour withStall(int afterTokens, Duration duration) {
        return new SimulatedBehaviour(timeToFirstToken, tokensPerSecond, errorStatus, disconnectAfter, afterTokens,
                duration, answerTokens);
    }

    public SimulatedBehaviour withAnswerTokens(int tokens) {
        return new SimulatedBehaviour(timeToFirstToken, tokensPerSecond, errorStatus, disconnectAfter, stallAfter,
                stallFor, tokens);
    }

    /** The pause between two streamed tokens. */
    public Duration interTokenDelay() {
        return tokensPerSecond <= 0 ? Duration.ZERO : Duration.ofNanos(Math.round(1_000_000_000d / tokensPerSecond));
    }

    /**
     * This behaviour with one knob changed by name, as a flag or header spells it: {@code ttft},
     * {@code tokens-per-second}, {@code error-status}, {@code disconnect-after}, {@code stall-after},
     * {@code stall-for}, {@code answer-tokens}. Durations are {@code 250ms}, {@code 2s}, {@code 1m}
     * (a bare number is milliseconds).
     *
     * @throws IllegalArgumentException for an unknown knob or an unreadable value
     */
    public SimulatedBehaviour with(String knob, String value) {
        String v = value.trim();
        return switch (knob.toLowerCase(Locale.ROOT)) {
            case "ttft" -> withTimeToFirstToken(duration(v));
            case "tokens-per-second" -> withTokensPerSecond(number(v, Double::parseDouble));
            case "error-status" -> withErrorStatus(number(v, Integer::parseInt));
            case "disconnect-after" -> withDisconnectAfter(number(v, Integer::parseInt));
            case "stall-after" -> withStall(number(v, Integer::parseInt), stallFor);
            case "stall-for" -> withStall(stallAfter, duration(v));
            case "answer-tokens" -> withAnswerTokens(number(v, Integer::parseInt));
            default -> throw new IllegalArgumentException("unknown simulator knob '" + knob + "'");
        };
    }

    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. 250ms, 2s)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        double millis = switch (unit) {
            case "s" -> amount * 1000;
            case "m" -> amount * 60_000;
            default -> amount;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    private static <T> T number(String text, Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: '" + text + "'", e);
        }
    }
}
