package dev.fleet.platform.tokens;

import java.util.List;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

import dev.fleet.events.v1.ChatMessage;

/**
 * Counts tokens with the {@code cl100k_base} encoding, for usage when a provider reports none.
 * Prompt tokens follow OpenAI's published estimate for chat models (3 per message plus role and
 * content, 3 to prime the reply); other tokenizers differ by a few percent. Thread-safe.
 */
public final class TokenCounter {

    private static final int PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;

    private final Encoding encoding;

    private TokenCounter(Encoding encoding) {
        this.encoding = encoding;
    }

    public static TokenCounter cl100k() {
        return new TokenCounter(Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE));
    }

    public int count(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokens(text);
    }

    public int promptTokens(List<ChatMessage> messages) {
        int total = REPLY_PRIMING;
        for (ChatMessage message : messages) {
            total += PER_MESSAGE + count(message.getRole().name().toLowerCase(java.util.Locale.ROOT))
                    + count(message.getContent());
        }
        return total;
    }
}
