package dev.fleet.orchestrator.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.events.v1.StreamAborted;
import dev.fleet.events.v1.StreamCompleted;
import dev.fleet.events.v1.StreamStarted;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.events.v1.UsageSource;
import dev.fleet.platform.tokens.TokenCounter;
import dev.fleet.schemas.OpenAiNames;

/**
 * The account of one attempt at answering a chat request: when it reached a model, which target
 * serves it, the text delivered to the client and the usage a provider reported; from that, the
 * usage billed on any outcome and the lifecycle events {@code StreamStarted} and
 * {@code StreamCompleted} / {@code StreamAborted} (decision record 0024).
 * <p>
 * Billing rule: the provider's reported usage when the serving target reported one, otherwise
 * counted with the tokenizer (prompt = the messages the model was sent, completion = the text
 * delivered). A stream that failed after text bills that text and its prompt; one that failed
 * before any text bills nothing; one that never reached a model ({@link #started()} false) is
 * not billed at all. Used from one stream, hence not synchronised.
 */
final class StreamLedger {

    /** What is billed for an attempt, and where the numbers come from. */
    record Billed(TokenUsage usage, UsageSource source) {
        static final Billed NOTHING = new Billed(new TokenUsage(0, 0), UsageSource.COUNTED);
    }

    private final ChatRequested request;
    private final String attempt;
    private final TokenCounter tokens;
    private final Clock clock;
    private final StringBuilder text = new StringBuilder();
    private List<ChatMessage> prompt;
    private Instant startedAt;
    private ModelTarget servedBy;
    private String provider;
    private TokenUsage reported;
    private int textChunks;
    private String toolCallsJson;

    StreamLedger(ChatRequested request, String attempt, TokenCounter tokens, Clock clock) {
        this.request = request;
        this.attempt = attempt;
        this.tokens = tokens;
        this.clock = clock;
        this.prompt = request.getMessages();
    }

    String attempt() {
        return attempt;
    }

    /** The messages the model is sent (prompt template and history included). */
    void prompt(List<ChatMessage> messages) {
        this.prompt = messages;
    }

    /**
     * {@code target} serves from now on, through {@code provider}; a report of the previous target
     * no longer describes the stream.
     *
     * @return true when this is the attempt's first target: the stream starts now
     */
    boolean serving(ModelTarget target, String provider) {
        boolean first = startedAt == null;
        if (first) {
            startedAt = clock.instant();
        }
        this.servedBy = target;
        this.provider = provider;
        this.reported = null;
        return first;
    }

    void reported(TokenUsage usage) {
        this.reported = usage;
    }

    /** {@code piece} was sent to the client as one chunk. */
    void delivered(String piece) {
        text.append(piece);
        textChunks++;
    }

    String text() {
        return text.toString();
    }

    /** The tool calls (OpenAI {@code tool_calls} JSON) were sent to the client as one chunk. */
    void deliveredToolCalls(String toolCallsJson) {
        this.toolCallsJson = toolCallsJson;
        textChunks++;
    }

    /** The tool calls delivered; null when none. */
    String toolCallsJson() {
        return toolCallsJson;
    }

    /** Whether the attempt reached a model (then it is billed and has lifecycle events). */
    boolean started() {
        return startedAt != null;
    }

    /** The model that serves (after aliases and fallbacks); the requested one until a target is chosen. */
    String usedModel() {
        return servedBy == null ? request.getModel() : servedBy.getModel();
    }

    /** What a complete answer bills: reported, else counted. */
    Billed completed() {
        if (reported != null) {
            return new Billed(reported, UsageSource.REPORTED);
        }
        String completion = toolCallsJson == null ? text.toString() : text + toolCallsJson;
        return new Billed(new TokenUsage(tokens.promptTokens(prompt), tokens.count(completion)),
                UsageSource.COUNTED);
    }

    /** What a failed answer bills: the text delivered before the failure and its prompt; nothing without text. */
    Billed aborted() {
        return text.isEmpty() && toolCallsJson == null ? Billed.NOTHING : completed();
    }

    StreamStarted startedEvent(Instant deadlineAt) {
        return new StreamStarted(request.getRequestId(), request.getModel(), attempt, request.getStream(),
                deadlineAt);
    }

    /** @param chunks every chunk delivered, the final one included */
    StreamCompleted completedEvent(Billed billed, int chunks) {
        return StreamCompleted.newBuilder()
                .setRequestId(request.getRequestId())
                .setModel(request.getModel())
                .setAttempt(attempt)
                .setProvider(provider)
                .setUsedModel(usedModel())
                .setPromptTokens(billed.usage().getPromptTokens())
                .setCompletionTokens(billed.usage().getCompletionTokens())
                .setUsageSource(billed.source())
                .setChunks(chunks)
                .setDurationMillis(Duration.between(startedAt, clock.instant()).toMillis())
                .build();
    }

    StreamAborted abortedEvent(Billed billed, ChatFailure failure) {
        return StreamAborted.newBuilder()
                .setRequestId(request.getRequestId())
                .setModel(request.getModel())
                .setAttempt(attempt)
                .setProvider(provider)
                .setUsedModel(servedBy == null ? null : servedBy.getModel())
                .setErrorCode(OpenAiNames.of(failure.code()))
                .setMessage(failure.getMessage())
                .setPromptTokens(billed.usage().getPromptTokens())
                .setCompletionTokens(billed.usage().getCompletionTokens())
                .setUsageSource(billed.source())
                .setChunksDelivered(textChunks)
                .build();
    }
}
