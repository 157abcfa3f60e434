package dev.fleet.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.ChatRole;
import dev.fleet.gateway.domain.ChatCommand;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;
import dev.fleet.schemas.ChatMessages;

class ResponsesRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RequestLimits LIMITS = RequestLimits.DEFAULTS;
    private static final ModelCatalog CATALOG = new ModelCatalog("all-minilm-l6-v2", List.of("llama3"));

    @Test
    void shouldBridgeAStringInputWithInstructionsOntoAChatCommand() throws Exception {
        // given
        String body = """
                {"model":"llama3","input":"hi","instructions":"be brief","max_output_tokens":64,"temperature":0.5,
                 "top_p":0.9,"user":"u-1","store":true,"metadata":{"prompt":"support","conversation_id":"c-1"},
                 "reasoning":{"effort":"low"},"tool_choice":"auto","tools":[]}
                """;
        // when
        ResponsesRequest.Bridged bridged = read(body).toCommand(CATALOG, LIMITS);
        // then
        ChatCommand command = bridged.command();
        assertThat(command.model()).isEqualTo("llama3");
        assertThat(command.stream()).isFalse();
        assertThat(command.includeUsage()).isFalse();
        assertThat(command.messages()).containsExactly(ChatMessages.text(ChatRole.SYSTEM, "be brief"),
                ChatMessages.text(ChatRole.USER, "hi"));
        assertThat(command.maxTokens()).isEqualTo(64);
        assertThat(command.temperature()).isEqualTo(0.5);
        assertThat(command.options().getTopP()).isEqualTo(0.9);
        assertThat(command.options().getUser()).isEqualTo("u-1");
        assertThat(command.metadata()).containsEntry("prompt", "support").containsEntry("conversation_id", "c-1")
                .containsEntry("user", "u-1");
        assertThat(bridged.echo().metadata()).doesNotContainKey("user").containsEntry("prompt", "support");
        assertThat(bridged.echo().instructions()).isEqualTo("be brief");
        assertThat(bridged.echo().maxOutputTokens()).isEqualTo(64);
    }

    @Test
    void shouldReadAListOfMessageItemsWithTextParts() throws Exception {
        ChatCommand command = read("""
                {"model":"llama3","stream":true,"input":[
                  {"role":"developer","content":"be brief"},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"What is "},
                                                             {"type":"input_text","text":"Fleet?"}]},
                  {"type":"message","role":"assistant","content":[{"type":"output_text","text":"A backbone."}]},
                  {"role":"user","content":"More."}]}
                """).toCommand(CATALOG, LIMITS).command();

        assertThat(command.stream()).isTrue();
        assertThat(command.options()).isNull();
        assertThat(command.messages()).containsExactly(ChatMessages.text(ChatRole.SYSTEM, "be brief"),
                ChatMessages.text(ChatRole.USER, "What is Fleet?"),
                ChatMessages.text(ChatRole.ASSISTANT, "A backbone."), ChatMessages.text(ChatRole.USER, "More."));
    }

    @Test
    void shouldRefuseInvalidShapesWithTheParameterNamed() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("\"input\":\"hi\"", "model"); // no model: the first key below replaces the model
        cases.put("\"model\":\"llama3\"", "input");
        cases.put("\"model\":\"llama3\",\"input\":[]", "input");
        cases.put("\"model\":\"llama3\",\"input\":42", "input");
        cases.put("\"model\":\"llama3\",\"input\":[\"hi\"]", "input[0]");
        cases.put("\"model\":\"llama3\",\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]", "input[0].role");
        cases.put("\"model\":\"llama3\",\"input\":[{\"role\":\"user\"}]", "input[0].content");
        cases.put("\"model\":\"llama3\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"output_text\","
                + "\"text\":\"x\"}]}]", "input[0].content[0]");
        cases.put("\"model\":\"llama3\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\","
                + "\"image_url\":\"http://x\"}]}]", "input[0].content[0].type");
        cases.put("\"model\":\"llama3\",\"input\":[{\"type\":\"reasoning\"}]", "input[0].type");
        cases.put("\"model\":\"llama3\",\"input\":\"hi\",\"instructions\":7", "instructions");
        cases.put("\"model\":\"llama3\",\"input\":\"hi\",\"temperature\":3", "temperature");
        cases.put("\"model\":\"llama3\",\"input\":\"hi\",\"top_p\":1.5", "top_p");
        cases.put("\"model\":\"llama3\",\"input\":\"hi\",\"max_output_tokens\":0", "max_output_tokens");
        cases.put("\"model\":\"llama3\",\"input\":\"hi\",\"metadata\":{\"a\":{\"b\":1}}", "metadata.a");
        cases.put("\"model\":\"llama3\",\"input\":\"hi\",\"user\":\"bob\\u0007\"", "user");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ApiError error = refused("{" + c.getKey() + "}");
            assertThat(error.param()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(error.code()).as(c.getKey()).isEqualTo("invalid_request");
        }
    }

    @Test
    void shouldCarryStoreAndPreviousResponseIdToTheOrchestrator() throws Exception {
        ChatCommand stored = read("""
                {"model":"llama3","instructions":"Be brief.","input":"hi","previous_response_id":"resp_1",
                 "top_p":0.5,"user":"u1","metadata":{"k":"v"}}""").toCommand(CATALOG, LIMITS).command();
        ChatCommand unstored = read("""
                {"model":"llama3","input":"hi","store":false}""").toCommand(CATALOG, LIMITS).command();

        assertThat(stored.response().getStore()).isTrue();
        assertThat(stored.response().getPreviousResponseId()).isEqualTo("resp_1");
        assertThat(stored.response().getInstructions()).isEqualTo("Be brief.");
        assertThat(stored.response().getTopP()).isEqualTo(0.5);
        assertThat(stored.response().getUser()).isEqualTo("u1");
        assertThat(stored.response().getMetadata()).containsExactly(Map.entry("k", "v"));
        assertThat(unstored.response().getStore()).isFalse();
        assertThat(unstored.response().getPreviousResponseId()).isNull();
        assertThat(unstored.response().getInstructions()).isNull();
    }

    @Test
    void shouldRefuseWhatTheBridgeCannotHonourAsUnsupportedParameters() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("\"conversation\":\"conv_1\"", "conversation");
        cases.put("\"background\":true", "background");
        cases.put("\"tools\":[{\"type\":\"web_search\"}]", "tools[0].type");
        cases.put("\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],\"tool_choice\":{\"type\":\"allowed_tools\","
                + "\"mode\":\"auto\",\"tools\":[]}", "tool_choice");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ApiError error = refused("{\"model\":\"llama3\",\"input\":\"hi\"," + c.getKey() + "}");
            assertThat(error.param()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(error.code()).as(c.getKey()).isEqualTo("unsupported_parameter");
        }
        ApiError reference = refused("""
                {"model":"llama3","input":[{"type":"item_reference","id":"msg_1"}]}""");
        assertThat(reference.param()).isEqualTo("input[0].type");
        assertThat(reference.code()).isEqualTo("unsupported_parameter");
    }

    @Test
    void shouldRefuseInvalidToolsToolChoiceAndTextFormat() throws Exception {
        assertThat(refused("""
                {"model":"llama3","input":"hi","tools":[{"type":"function"}]}""").param())
                .isEqualTo("tools[0].function.name");
        assertThat(refused("""
                {"model":"llama3","input":"hi","tool_choice":"required"}""").param()).isEqualTo("tool_choice");
        assertThat(refused("""
                {"model":"llama3","input":"hi","text":{"format":{"type":"json_schema","name":"x"}}}""").param())
                .isEqualTo("text.format.schema");
        assertThat(refused("""
                {"model":"llama3","input":"hi","text":{"format":{"type":"yaml"}}}""").param())
                .isEqualTo("text.format.type");
        assertThat(refused("""
                {"model":"llama3","input":[{"type":"function_call_output","output":"-3 C"}]}""").param())
                .isEqualTo("input[0].call_id");
    }

    @Test
    void shouldMapFunctionToolsToolChoiceAndTextFormatOntoTheChatPath() throws Exception {
        ResponsesRequest.Bridged bridged = read("""
                {"model":"llama3","input":"hi","parallel_tool_calls":false,
                 "tools":[{"type":"function","name":"get_weather","description":"d",
                           "parameters":{"type":"object"},"strict":true}],
                 "tool_choice":{"type":"function","name":"get_weather"},
                 "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true}}}""")
                .toCommand(CATALOG, LIMITS);

        var options = bridged.command().options();
        assertThat(JSON.readTree(options.getToolsJson())).isEqualTo(JSON.readTree("""
                [{"type":"function","function":{"name":"get_weather","description":"d",
                  "parameters":{"type":"object"},"strict":true}}]"""));
        assertThat(JSON.readTree(options.getToolChoiceJson())).isEqualTo(JSON.readTree("""
                {"type":"function","function":{"name":"get_weather"}}"""));
        assertThat(options.getParallelToolCalls()).isFalse();
        assertThat(JSON.readTree(options.getResponseFormatJson())).isEqualTo(JSON.readTree("""
                {"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"},"strict":true}}"""));
        assertThat(bridged.echo().tools().get(0).path("name").asText()).isEqualTo("get_weather");
        assertThat(bridged.echo().toolChoice().path("name").asText()).isEqualTo("get_weather");
        assertThat(bridged.echo().textFormat().path("type").asText()).isEqualTo("json_schema");
        assertThat(bridged.echo().parallelToolCalls()).isFalse();
        assertThat(bridged.command().response().getTextFormatJson()).contains("json_schema");

        var jsonObject = read("""
                {"model":"llama3","input":"hi","text":{"format":{"type":"json_object"}}}""").toCommand(CATALOG, LIMITS);
        assertThat(jsonObject.command().options().getResponseFormatJson()).isEqualTo("{\"type\":\"json_object\"}");
    }

    @Test
    void shouldMapFunctionCallItemsToAssistantToolCallsAndOutputsToToolMessages() throws Exception {
        ChatCommand command = read("""
                {"model":"llama3","input":[
                  {"role":"user","content":"Weather in Paris and Rome?"},
                  {"type":"function_call","call_id":"c1","name":"get_weather","arguments":"{\\"q\\":\\"Paris\\"}"},
                  {"type":"function_call","call_id":"c2","name":"get_weather","arguments":"{\\"q\\":\\"Rome\\"}"},
                  {"type":"function_call_output","call_id":"c1","output":"22 C"},
                  {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"25 C"}]}]}""")
                .toCommand(CATALOG, LIMITS).command();

        assertThat(command.messages()).extracting(m -> m.getRole()).containsExactly(ChatRole.USER,
                ChatRole.ASSISTANT, ChatRole.TOOL, ChatRole.TOOL);
        var calls = JSON.readTree(command.messages().get(1).getToolCallsJson());
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path("id").asText()).isEqualTo("c1");
        assertThat(calls.get(1).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(calls.get(1).path("function").path("arguments").asText()).isEqualTo("{\"q\":\"Rome\"}");
        assertThat(command.messages().get(2).getToolCallId()).isEqualTo("c1");
        assertThat(command.messages().get(3).getContent()).isEqualTo("25 C");
    }

    @Test
    void shouldAnswerAnUnknownModelWithModelNotFound() throws Exception {
        ApiErrorException e = catchThrowableOfType(() -> read("""
                {"model":"gpt-9","input":"hi"}""").toCommand(CATALOG, LIMITS), ApiErrorException.class);

        assertThat(e.error().status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(e.error().code()).isEqualTo("model_not_found");
    }

    private static ApiError refused(String body) throws Exception {
        ResponsesRequest request = read(body);
        ApiErrorException e = catchThrowableOfType(() -> request.toCommand(CATALOG, LIMITS), ApiErrorException.class);
        assertThat(e).as(body).isNotNull();
        assertThat(e.error().status()).isEqualTo(HttpStatus.BAD_REQUEST);
        return e.error();
    }

    private static ResponsesRequest read(String body) throws Exception {
        return JSON.readValue(body, ResponsesRequest.class);
    }
}
