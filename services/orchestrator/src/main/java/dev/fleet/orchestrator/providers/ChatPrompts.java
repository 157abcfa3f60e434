package dev.fleet.orchestrator.providers;

import java.util.ArrayList;
import java.util.List;

import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.ai.openai.OpenAiChatOptions;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;

/**
 * A chat request as each kind of provider is sent it: the same messages, the options each API
 * knows. OpenAI-compatible providers also get the client's tools, {@code tool_choice},
 * {@code parallel_tool_calls} and {@code response_format}, and the assistant's tool calls and tool
 * results as such ({@link OpenAiTools}). Limits: Ollama and Anthropic get sampling options only (a request with
 * tools or a response format is refused for them, not served without), and
 * tool messages as user messages; options an API lacks are left out (Anthropic has no penalties,
 * seed or user).
 */
public final class ChatPrompts {

    private ChatPrompts() {
    }

    /** OpenAI's chat completions (asks for usage in the stream). */
    public static Prompt openAi(ChatRequested request) {
        OpenAiChatOptions.Builder options = OpenAiChatOptions.builder()
                .model(request.getModel())
                .temperature(request.getTemperature())
                .maxTokens(request.getMaxTokens())
                .streamUsage(true);
        ChatOptions extra = request.getOptions();
        if (extra != null) {
            options.topP(extra.getTopP())
                    .presencePenalty(extra.getPresencePenalty())
                    .frequencyPenalty(extra.getFrequencyPenalty())
                    .seed(intOrNull(extra.getSeed()))
                    .stop(extra.getStop().isEmpty() ? null : extra.getStop())
                    .user(extra.getUser())
                    .tools(OpenAiTools.tools(extra.getToolsJson()))
                    .toolChoice(OpenAiTools.toolChoice(extra.getToolChoiceJson()))
                    .parallelToolCalls(extra.getToolsJson() == null ? null : extra.getParallelToolCalls())
                    .responseFormat(OpenAiTools.responseFormat(extra.getResponseFormatJson()));
        }
        // the client runs its tools: tool calls go back to it, never to Spring AI's tool execution
        options.internalToolExecutionEnabled(false);
        return new Prompt(OpenAiTools.messages(request), options.build());
    }

    /**
     * What a provider of {@code kind} cannot serve: tools, tool calls and results, or a response format (only
     * OpenAI-compatible providers get them). Never dropped silently: {@link UnsupportedByProvider} names it.
     */
    static void requireNoTools(ChatRequested request, String kind) {
        ChatOptions extra = request.getOptions();
        String asked = null;
        if (extra != null && extra.getToolsJson() != null) {
            asked = "tools";
        } else if (extra != null && extra.getResponseFormatJson() != null) {
            asked = "response_format";
        } else if (request.getMessages().stream().anyMatch(m -> m.getRole() == ChatRole.TOOL
                || m.getToolCallsJson() != null)) {
            asked = "tool messages";
        }
        if (asked != null) {
            throw new UnsupportedByProvider("a " + kind + " provider cannot serve " + asked
                    + "; route the model to an OpenAI-compatible provider (kind openai)");
        }
    }

    /** A request a provider's kind cannot serve (see {@link #requireNoTools}). */
    public static final class UnsupportedByProvider extends IllegalArgumentException {
        UnsupportedByProvider(String message) {
            super(message);
        }
    }

    /** Ollama's native chat ({@code num_predict} is its max tokens); tools are not served ({@link #requireNoTools}). */
    public static Prompt ollama(ChatRequested request) {
        requireNoTools(request, "ollama");
        OllamaChatOptions.Builder options = OllamaChatOptions.builder()
                .model(request.getModel())
                .temperature(request.getTemperature())
                .numPredict(request.getMaxTokens());
        ChatOptions extra = request.getOptions();
        if (extra != null) {
            options.topP(extra.getTopP())
                    .presencePenalty(extra.getPresencePenalty())
                    .frequencyPenalty(extra.getFrequencyPenalty())
                    .seed(intOrNull(extra.getSeed()))
                    .stop(extra.getStop().isEmpty() ? null : extra.getStop());
        }
        return new Prompt(messages(request), options.build());
    }

    /**
     * Anthropic's messages; {@code max_tokens} is required there, {@code defaultMaxTokens} when the client set none;
     * tools are not served ({@link #requireNoTools}).
     */
    public static Prompt anthropic(ChatRequested request, int defaultMaxTokens) {
        requireNoTools(request, "anthropic");
        AnthropicChatOptions.Builder options = AnthropicChatOptions.builder()
                .model(request.getModel())
                .temperature(request.getTemperature())
                .maxTokens(request.getMaxTokens() != null ? request.getMaxTokens() : defaultMaxTokens);
        ChatOptions extra = request.getOptions();
        if (extra != null) {
            options.topP(extra.getTopP())
                    .stopSequences(extra.getStop().isEmpty() ? null : extra.getStop());
        }
        return new Prompt(messages(request), options.build());
    }

    static List<Message> messages(ChatRequested request) {
        List<Message> messages = new ArrayList<>();
        for (ChatMessage message : request.getMessages()) {
            messages.add(switch (message.getRole()) {
                case SYSTEM -> new SystemMessage(message.getContent());
                case ASSISTANT -> new AssistantMessage(message.getContent());
                case USER, TOOL -> new UserMessage(message.getContent());
            });
        }
        return messages;
    }

    /** Spring AI carries an int seed; a larger one is left out rather than changed. */
    private static Integer intOrNull(Long value) {
        return value != null && value == value.intValue() ? value.intValue() : null;
    }
}
