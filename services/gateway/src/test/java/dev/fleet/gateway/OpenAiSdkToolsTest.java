package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;

/**
 * Function tools through the gateway as OpenAI's official Java SDK uses them (only base URL and
 * key set, strict response validation on): a chat completion that returns {@code tool_calls}
 * (whole and streamed) and its follow-up with the tool result; a response whose output is a
 * {@code function_call} item (whole and streamed with the function_call_arguments events), continued
 * with a {@code function_call_output} through {@code previous_response_id}; and {@code text.format}
 * reaching the chat path as {@code response_format}. The orchestrator is a {@link FakeFleet} that
 * plays the model deterministically, as the simulator does: a request with tools whose last message
 * is not a tool result calls the first tool with {@code {"query": <last user message>}}; a tool
 * result is answered with {@value #TOOL_ANSWER} and the result.
 */
class OpenAiSdkToolsTest extends KafkaGatewayTest {

    static final String TOOL_ANSWER = "It is ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FakeFleet fleet;

    @BeforeEach
    void startFakeFleet() {
        if (fleet == null) {
            fleet = FakeFleet.start(OpenAiSdkToolsTest::answer);
        }
    }

    @AfterAll
    static void stopFakeFleet() throws InterruptedException {
        if (fleet != null) {
            fleet.close();
            fleet = null;
        }
    }

    private static List<String> answer(ChatRequested request) {
        List<ChatMessage> messages = request.getMessages();
        ChatMessage last = messages.get(messages.size() - 1);
        if (last.getRole() == ChatRole.TOOL) {
            return List.of(TOOL_ANSWER, last.getContent());
        }
        if (request.getOptions() != null && request.getOptions().getToolsJson() != null) {
            try {
                String name = JSON.readTree(request.getOptions().getToolsJson()).get(0).path("function").path("name")
                        .asText();
                String arguments = JSON.writeValueAsString(Map.of("query", last.getContent()));
                fleet.replyWithToolCalls(request, JSON.writeValueAsString(List.of(Map.of("index", 0, "id",
                        "call_" + request.getRequestId(), "type", "function",
                        "function", Map.of("name", name, "arguments", arguments)))));
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return List.of("Hello");
    }

    private OpenAIClient sdk() {
        String key = GatewayKafkaFixture.givenActiveKey(client, UUID.randomUUID().toString());
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey(key).maxRetries(0).responseValidation(true)
                .build();
    }

    private static FunctionParameters weatherParameters() {
        return FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("query", Map.of("type", "string"))))
                .build();
    }

    private static ChatCompletionCreateParams.Builder chatWithTool(String question) {
        return ChatCompletionCreateParams.builder().model("sim-model").addUserMessage(question)
                .addFunctionTool(FunctionDefinition.builder().name("get_weather").description("The weather in a city")
                        .parameters(weatherParameters()).build());
    }

    @Test
    void chatCompletionReturnsToolCallsAndTheFollowUpAnswersWithTheToolResult() throws Exception {
        // given
        OpenAIClient sdk = sdk();
        // when
        ChatCompletion completion = sdk.chat().completions().create(chatWithTool("Weather in Paris?").build());
        // then the SDK parses the tool call
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.function().arguments()).path("query").asText()).isEqualTo("Weather in Paris?");
        // and the orchestrator was sent the tools as the client gave them
        ChatRequested first = requestOf(completion.id().substring("chatcmpl-".length()));
        assertThat(JSON.readTree(first.getOptions().getToolsJson()).get(0).path("function").path("description")
                .asText()).isEqualTo("The weather in a city");

        // when the client runs the tool and sends its result
        ChatCompletion followUp = sdk.chat().completions().create(chatWithTool("Weather in Paris?")
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("22 degrees").build())
                .build());
        // then
        assertThat(followUp.choices().get(0).message().content()).contains(TOOL_ANSWER + "22 degrees");
        assertThat(followUp.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        ChatRequested second = requestOf(followUp.id().substring("chatcmpl-".length()));
        List<ChatMessage> messages = second.getMessages();
        assertThat(messages).extracting(ChatMessage::getRole).containsExactly(ChatRole.USER, ChatRole.ASSISTANT,
                ChatRole.TOOL);
        assertThat(JSON.readTree(messages.get(1).getToolCallsJson()).get(0).path("id").asText()).isEqualTo(call.id());
        assertThat(messages.get(2).getToolCallId()).isEqualTo(call.id());
    }

    @Test
    void streamedChatCompletionCarriesToolCallDeltas() throws Exception {
        // given
        OpenAIClient sdk = sdk();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        // when
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions()
                .createStreaming(chatWithTool("Weather in Rome?").build())) {
            stream.stream().forEach(chunk -> chunks.add(accumulator.accumulate(chunk)));
        }
        // then
        assertThat(chunks).anySatisfy(chunk -> assertThat(chunk.choices().get(0).delta().toolCalls()).isPresent());
        ChatCompletion.Choice choice = accumulator.chatCompletion().choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.function().arguments()).path("query").asText()).isEqualTo("Weather in Rome?");
    }

    private static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("The weather in a city")
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("query", Map.of("type", "string"))))
                        .build())
                .strict(false).build();
    }

    @Test
    void responseWithAFunctionToolReturnsAFunctionCallAndIsContinuedWithItsOutput() throws Exception {
        // given
        OpenAIClient sdk = sdk();
        // when
        Response response = sdk.responses().create(ResponseCreateParams.builder().model("sim-model")
                .input("Weather in Oslo?").addTool(weatherTool()).build());
        // then the output is a function_call item the SDK parses
        ResponseFunctionToolCall call = response.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow();
        assertThat(response.output()).noneMatch(ResponseOutputItem::isMessage);
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.id()).hasValueSatisfying(id -> assertThat(id).startsWith("fc_"));
        assertThat(call.status()).contains(ResponseFunctionToolCall.Status.COMPLETED);
        assertThat(JSON.readTree(call.arguments()).path("query").asText()).isEqualTo("Weather in Oslo?");
        assertThat(response.tools()).singleElement().satisfies(tool -> assertThat(tool.asFunction().name())
                .isEqualTo("get_weather"));
        // and the chat path got the tool in its shape
        ChatRequested first = requestOf(response.id().substring("resp_".length()));
        assertThat(JSON.readTree(first.getOptions().getToolsJson()).get(0).path("function").path("name").asText())
                .isEqualTo("get_weather");

        // when the client sends the function's output, continuing the stored response
        Response followUp = sdk.responses().create(ResponseCreateParams.builder().model("sim-model")
                .previousResponseId(response.id()).addTool(weatherTool())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput
                        .builder().callId(call.callId()).output("-3 degrees").build())))
                .build());
        // then
        assertThat(outputText(followUp)).isEqualTo(TOOL_ANSWER + "-3 degrees");
        ChatRequested second = requestOf(followUp.id().substring("resp_".length()));
        assertThat(second.getMessages()).last().satisfies(message -> {
            assertThat(message.getRole()).isEqualTo(ChatRole.TOOL);
            assertThat(message.getToolCallId()).isEqualTo(call.callId());
        });
        // and the stored response keeps its function call
        Response retrieved = sdk.responses().retrieve(response.id());
        assertThat(retrieved.output()).singleElement().satisfies(item -> assertThat(item.asFunctionCall().callId())
                .isEqualTo(call.callId()));
    }

    @Test
    void streamedResponseEmitsTheFunctionCallEvents() throws Exception {
        // given
        OpenAIClient sdk = sdk();
        List<ResponseStreamEvent> events = new ArrayList<>();
        // when
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(ResponseCreateParams
                .builder().model("sim-model").input("Weather in Lima?").addTool(weatherTool()).build())) {
            stream.stream().forEach(events::add);
        }
        // then
        assertThat(events.stream().map(OpenAiSdkToolsTest::type).toList()).containsExactly("response.created",
                "response.in_progress", "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        assertThat(events.get(2).asOutputItemAdded().item().asFunctionCall().name()).isEqualTo("get_weather");
        String arguments = events.get(4).asFunctionCallArgumentsDone().arguments();
        assertThat(JSON.readTree(arguments).path("query").asText()).isEqualTo("Weather in Lima?");
        assertThat(events.get(3).asFunctionCallArgumentsDelta().delta()).isEqualTo(arguments);
        Response completed = events.get(6).asCompleted().response();
        assertThat(completed.output()).singleElement().satisfies(item -> assertThat(item.asFunctionCall().arguments())
                .isEqualTo(arguments));
    }

    @Test
    void textFormatJsonSchemaReachesTheChatPathAndIsEchoed() throws Exception {
        // given
        OpenAIClient sdk = sdk();
        // when
        Response response = sdk.responses().create(ResponseCreateParams.builder().model("sim-model").input("Hi")
                .text(ResponseTextConfig.builder().format(ResponseFormatTextJsonSchemaConfig.builder().name("greeting")
                        .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object")).build())
                        .strict(true).build()).build())
                .build());
        // then
        ChatRequested request = requestOf(response.id().substring("resp_".length()));
        JsonNode format = JSON.readTree(request.getOptions().getResponseFormatJson());
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("json_schema").path("name").asText()).isEqualTo("greeting");
        assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
        assertThat(format.path("json_schema").path("schema").path("type").asText()).isEqualTo("object");
        assertThat(response.text().orElseThrow().format().orElseThrow().asJsonSchema().name()).isEqualTo("greeting");
    }

    private static ChatRequested requestOf(String requestId) {
        return fleet.chatRequests().stream().filter(r -> r.getRequestId().equals(requestId)).findFirst()
                .orElseThrow();
    }

    private static String type(ResponseStreamEvent event) {
        Map<?, ?> json = (Map<?, ?>) event._json().orElseThrow().asObject().orElseThrow();
        return String.valueOf(((JsonValue) json.get("type")).asString().orElseThrow());
    }

    private static String outputText(Response response) {
        StringBuilder text = new StringBuilder();
        response.output().forEach(item -> item.message().ifPresent(message -> message.content()
                .forEach(part -> part.outputText().map(ResponseOutputText::text).ifPresent(text::append))));
        return text.toString();
    }
}
