package dev.fleet.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code demo-chat}: reads an OpenAI chat completion streamed as Server-Sent Events (the gateway's
 * {@code /v1/chat/completions} with {@code stream: true}), echoes each event line as it arrives, and
 * collects the text of the {@code choices[].delta.content} pieces up to {@code data: [DONE]}, the usage
 * chunk ({@code stream_options.include_usage}) and an error event if the stream ends with one.
 * Lines that are not {@code data:} (comments, {@code event:}, {@code id:}) are echoed and skipped; a
 * data line that is not JSON is skipped too.
 */
final class ChatStream {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a stream said: its text, its usage if it reported one, its error if it ended with one. */
    record Answer(String text, Optional<JsonNode> usage, Optional<String> error, boolean done) {

        /** The lines the demo prints after the stream. */
        String summary() {
            StringBuilder out = new StringBuilder("answer: ").append(text.isEmpty() ? "(no content in the stream)" : text);
            usage.ifPresent(u -> out.append("\nusage: prompt ").append(u.path("prompt_tokens").asText("?"))
                    .append(", completion ").append(u.path("completion_tokens").asText("?"))
                    .append(", total ").append(u.path("total_tokens").asText("?")).append(" tokens"));
            error.ifPresent(e -> out.append("\nerror: ").append(e));
            if (!done && error.isEmpty()) {
                out.append("\n(the stream ended without [DONE])");
            }
            return out.toString();
        }
    }

    private ChatStream() {
    }

    /** Reads the whole stream, echoing each non-blank line to {@code echo} indented by four spaces. */
    static Answer read(BufferedReader in, PrintStream echo) throws IOException {
        StringBuilder text = new StringBuilder();
        JsonNode usage = null;
        String error = null;
        boolean done = false;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            echo.println("    " + line);
            echo.flush();
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                done = true;
                break;
            }
            JsonNode chunk;
            try {
                chunk = JSON.readTree(data);
            } catch (JsonProcessingException e) {
                continue;
            }
            for (JsonNode choice : chunk.path("choices")) {
                JsonNode content = choice.path("delta").path("content");
                if (content.isTextual()) {
                    text.append(content.asText());
                }
            }
            if (chunk.hasNonNull("usage")) {
                usage = chunk.get("usage");
            }
            if (chunk.hasNonNull("error")) {
                JsonNode e = chunk.get("error");
                error = e.isTextual() ? e.asText() : e.path("message").asText(e.toString());
            }
        }
        return new Answer(text.toString(), Optional.ofNullable(usage), Optional.ofNullable(error), done);
    }
}
