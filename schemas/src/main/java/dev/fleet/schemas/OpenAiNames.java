package dev.fleet.schemas;

import java.util.Locale;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;

/**
 * How the contracts' enums are spelled in OpenAI's wire format: the lower-cased symbol
 * ({@code MODEL_NOT_FOUND} is {@code model_not_found}, {@code STOP} is {@code stop}). The one place
 * that spelling is decided; the gateway's JSON and the orchestrator's {@code CompletionFailed.code}
 * both use it.
 */
public final class OpenAiNames {

    private OpenAiNames() {
    }

    /** OpenAI's {@code finish_reason}; null for null (a chunk that is not the last). */
    public static String of(FinishReason reason) {
        return lowerCase(reason);
    }

    /** OpenAI's {@code error.type}. */
    public static String of(ErrorType type) {
        return lowerCase(type);
    }

    /** OpenAI's {@code error.code}. */
    public static String of(ErrorCode code) {
        return lowerCase(code);
    }

    private static String lowerCase(Enum<?> symbol) {
        return symbol == null ? null : symbol.name().toLowerCase(Locale.ROOT);
    }
}
