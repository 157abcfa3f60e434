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
        cases.put("\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{}}]", "tools");
        cases.put("\"tool_choice\":\"required\"", "tool_choice");
        cases.put("\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\",\"schema\":{}}}", "text.format");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ApiError error = refused("{\"model\":\"llama3\",\"input\":\"hi\"," + c.getKey() + "}");
            assertThat(error.param()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(error.code()).as(c.getKey()).isEqualTo("unsupported_parameter");
        }
        ApiError toolOutput = refused("""
                {"model":"llama3","input":[{"type":"function_call_output","call_id":"c1","output":"-3 C"}]}""");
        assertThat(toolOutput.param()).isEqualTo("input[0].type");
        assertThat(toolOutput.code()).isEqualTo("unsupported_parameter");
        assertThat(toolOutput.message()).contains("function_call_output");
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
