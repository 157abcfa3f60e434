package dev.fleet.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.gateway.domain.ChatCommand;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.schemas.ChatMessages;

class ChatCompletionRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RequestLimits LIMITS = RequestLimits.DEFAULTS;
    private static final ModelCatalog CATALOG = new ModelCatalog("all-minilm-l6-v2", List.of("llama3"));

    @Test
    void shouldAcceptOpenAiRequestAndIgnoreUnusedFields() throws Exception {
        // given
        String body = """
                {"model":"llama3","stream":true,"temperature":0.5,"max_tokens":64,"top_p":0.9,"user":"u-1",
                 "metadata":{"conversation_id":"c-1","collection":"docs","priority":3,"flag":true,"none":null},
                 "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}
                """;
        // when
        ChatCommand command = read(body).toCommand(CATALOG, LIMITS);
        // then
        assertThat(command.model()).isEqualTo("llama3");
        assertThat(command.stream()).isTrue();
        assertThat(command.temperature()).isEqualTo(0.5);
        assertThat(command.maxTokens()).isEqualTo(64);
        assertThat(command.messages()).containsExactly(ChatMessages.text(ChatRole.SYSTEM, "be brief"),
                ChatMessages.text(ChatRole.USER, "hi"));
        assertThat(command.metadata()).containsEntry("conversation_id", "c-1").containsEntry("priority", "3")
                .containsEntry("flag", "true").containsEntry("user", "u-1").doesNotContainKey("none");
    }

    @Test
    void shouldDefaultToNonStreaming() throws Exception {
        ChatCommand command = read("""
                {"model":"extractive","messages":[{"role":"user","content":"hi"}]}""").toCommand(CATALOG, LIMITS);

        assertThat(command.stream()).isFalse();
        assertThat(command.metadata()).isEmpty();
    }

    @Test
    void shouldRejectMissingModel() throws Exception {
        assertInvalid("""
                {"messages":[{"role":"user","content":"hi"}]}""", "model");
    }

    @Test
    void shouldRejectEmptyMessages() throws Exception {
        assertInvalid("""
                {"model":"extractive","messages":[]}""", "messages");
    }

    @Test
    void shouldRejectUnknownRole() throws Exception {
        assertInvalid("""
                {"model":"extractive","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role");
    }

    @Test
    void shouldRejectContentThatIsNeitherStringNorTextParts() throws Exception {
        assertInvalid("""
                {"model":"extractive","messages":[{"role":"user","content":"a"},
                 {"role":"user","content":{"text":"hi"}}]}""", "messages[1].content");
        assertInvalid("""
                {"model":"extractive","messages":[{"role":"user","content":[{"type":"text","text":3}]}]}""",
                "messages[0].content[0]");
    }

    @Test
    void shouldRefuseImagePartsClearly() throws Exception {
        ApiError error = rejection("""
                {"model":"extractive","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},
                 {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""");

        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error.param()).isEqualTo("messages[0].content[1].type");
        assertThat(error.message()).contains("image_url").contains("text only");
    }

    @Test
    void shouldRejectNestedMetadataValues() throws Exception {
        assertInvalid("""
                {"model":"extractive","metadata":{"a":{"b":1}},"messages":[{"role":"user","content":"hi"}]}""",
                "metadata.a");
    }

    @Test
    void shouldRejectTemperatureOutOfRange() throws Exception {
        assertInvalid("""
                {"model":"extractive","temperature":3,"messages":[{"role":"user","content":"hi"}]}""",
                "temperature");
    }

    @Test
    void shouldAnswerModelNotFoundForUnknownOrEmbeddingModel() throws Exception {
        for (String model : List.of("gpt-9", "all-minilm-l6-v2")) {
            ApiError error = rejection("{\"model\":\"" + model
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(error.status()).isEqualTo(HttpStatus.NOT_FOUND);
            assertThat(error.code()).isEqualTo("model_not_found");
        }
    }

    @Test
    void shouldCarryEveryDocumentedMessageKindAndOption() throws Exception {
        // given a request using every chat feature OpenAI documents that the fleet can carry
        String body = """
                {"model":"llama3","stream":true,"stream_options":{"include_usage":true},
                 "max_tokens":10,"max_completion_tokens":64,"n":1,"seed":42,"top_p":0.5,
                 "presence_penalty":-1.5,"frequency_penalty":2,"stop":["END","STOP"],"user":"user-7",
                 "logprobs":false,"parallel_tool_calls":false,
                 "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"}}},
                 "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}],
                 "tool_choice":{"type":"function","function":{"name":"weather"}},
                 "messages":[
                  {"role":"developer","content":"Use tools."},
                  {"role":"user","name":"ann",
                   "content":[{"type":"text","text":"Weather in "},{"type":"text","text":"Oslo?"}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"-3 C"}]}
                """;
        // when
        ChatCommand command = read(body).toCommand(CATALOG, LIMITS);
        // then
        assertThat(command.includeUsage()).isTrue();
        assertThat(command.maxTokens()).isEqualTo(64);
        assertThat(command.messages()).extracting(ChatMessage::getRole)
                .containsExactly(ChatRole.SYSTEM, ChatRole.USER, ChatRole.ASSISTANT, ChatRole.TOOL);
        assertThat(command.messages().get(1).getContent()).isEqualTo("Weather in Oslo?");
        assertThat(command.messages().get(1).getName()).isEqualTo("ann");
        assertThat(command.messages().get(2).getContent()).isEmpty();
        assertThat(JSON.readTree(command.messages().get(2).getToolCallsJson()).at("/0/function/name").asText())
                .isEqualTo("weather");
        assertThat(command.messages().get(3).getToolCallId()).isEqualTo("call_1");
        ChatOptions options = command.options();
        assertThat(options.getSeed()).isEqualTo(42L);
        assertThat(options.getTopP()).isEqualTo(0.5);
        assertThat(options.getPresencePenalty()).isEqualTo(-1.5);
        assertThat(options.getFrequencyPenalty()).isEqualTo(2.0);
        assertThat(options.getStop()).containsExactly("END", "STOP");
        assertThat(options.getUser()).isEqualTo("user-7");
        assertThat(options.getParallelToolCalls()).isFalse();
        assertThat(JSON.readTree(options.getToolsJson()).at("/0/function/name").asText()).isEqualTo("weather");
        assertThat(JSON.readTree(options.getToolChoiceJson()).at("/function/name").asText()).isEqualTo("weather");
        assertThat(JSON.readTree(options.getResponseFormatJson()).at("/json_schema/name").asText())
                .isEqualTo("answer");
    }

    @Test
    void shouldCarryAStopStringAndLeaveOptionsOutWhenNoneAreSet() throws Exception {
        ChatCommand withStop = read("""
                {"model":"extractive","stop":"\\n\\n","messages":[{"role":"user","content":"hi"}]}""")
                .toCommand(CATALOG, LIMITS);
        ChatCommand plain = read("""
                {"model":"extractive","messages":[{"role":"user","content":"hi"}]}""")
                .toCommand(CATALOG, LIMITS);

        assertThat(withStop.options().getStop()).containsExactly("\n\n");
        assertThat(plain.options()).isNull();
    }

    @Test
    void shouldRefuseWhatTheFleetCannotServeWithTheParameterNamed() throws Exception {
        String user = "{\"role\":\"user\",\"content\":\"hi\"}";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("\"n\":2", "n");
        cases.put("\"logprobs\":true", "logprobs");
        cases.put("\"top_logprobs\":2", "top_logprobs");
        cases.put("\"max_tokens\":0", "max_tokens");
        cases.put("\"max_tokens\":-5", "max_tokens");
        cases.put("\"max_completion_tokens\":100000000", "max_completion_tokens");
        cases.put("\"user\":\"bob\\u0007\"", "user");
        cases.put("\"user\":\"line\\nbreak\"", "user");
        cases.put("\"stream_options\":{\"include_usage\":true}", "stream_options");
        cases.put("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "stop");
        cases.put("\"stop\":[1]", "stop");
        cases.put("\"top_p\":1.5", "top_p");
        cases.put("\"presence_penalty\":-3", "presence_penalty");
        cases.put("\"frequency_penalty\":2.5", "frequency_penalty");
        cases.put("\"tools\":[{\"type\":\"retrieval\"}]", "tools[0]");
        cases.put("\"tool_choice\":\"required\"", "tool_choice");
        cases.put("\"tool_choice\":\"sometimes\"", "tool_choice");
        cases.put("\"response_format\":{\"type\":\"yaml\"}", "response_format.type");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertInvalid("{\"model\":\"extractive\"," + c.getKey() + ",\"messages\":[" + user + "]}", c.getValue());
        }
    }

    @Test
    void shouldRefuseMalformedToolConversations() throws Exception {
        assertInvalid("""
                {"model":"extractive","messages":[{"role":"tool","content":"-3 C"}]}""", "messages[0].tool_call_id");
        assertInvalid("""
                {"model":"extractive","messages":[{"role":"user","content":"x","tool_calls":[]}]}""",
                "messages[0].tool_calls");
        assertInvalid("""
                {"model":"extractive","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function"}]}]}""",
                "messages[0].tool_calls[0]");
        assertInvalid("""
                {"model":"extractive","messages":[{"role":"function","name":"f","content":"x"}]}""",
                "messages[0].role");
        assertInvalid("""
                {"model":"extractive","messages":[null]}""", "messages[0]");
    }

    private static void assertInvalid(String body, String param) throws Exception {
        ApiError error = rejection(body);
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo(param);
    }

    private static ApiError rejection(String body) throws Exception {
        ChatCompletionRequest request = read(body);
        return catchThrowableOfType(() -> request.toCommand(CATALOG, LIMITS), ApiErrorException.class).error();
    }

    private static ChatCompletionRequest read(String body) throws Exception {
        return JSON.readValue(body, ChatCompletionRequest.class);
    }
}
