package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseInputMessageItem;
import com.openai.models.responses.inputitems.InputItemListPage;
import com.openai.models.responses.inputitems.InputItemListParams;
import com.openai.models.responses.ResponseError;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.ResponseAction;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.schemas.FleetTopics;

/**
 * {@code POST /v1/responses} as OpenAI's official Java SDK sees it (only base URL and key set, and
 * the SDK's strict response validation on): created, streamed (the SDK's own
 * {@link ResponseAccumulator} assembles the events), an error before any output as the SDK's typed
 * exception with the chat path's status, and a failure before or after text as {@code response.failed},
 * never {@code response.completed}; stored responses retrieved, listed and deleted, continued with
 * {@code previous_response_id}, and another tenant's answered as not found. The orchestrator is a {@link FakeFleet} over the real broker,
 * which fails requests whose last message says {@value #FAIL_BEFORE_OUTPUT} or {@value #FAIL_AFTER_TEXT}.
 */
class OpenAiSdkResponsesTest extends KafkaGatewayTest {

    static final String FAIL_BEFORE_OUTPUT = "fail before output";
    static final String FAIL_AFTER_TEXT = "fail after text";
    static final String RESTART_MID_STREAM = "restart mid stream";

    private static FakeFleet fleet;

    @BeforeEach
    void startFakeFleet() {
        if (fleet == null) {
            fleet = FakeFleet.start(OpenAiSdkResponsesTest::answer);
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
        String last = messages.get(messages.size() - 1).getContent();
        if (last.equals(FAIL_BEFORE_OUTPUT)) {
            send(request, failed(request, 0));
            return null;
        }
        if (last.equals(RESTART_MID_STREAM)) { // the orchestrator answering died after text; a redelivery answers anew
            ChatChunk first = GatewayKafkaFixture.chunk(request, 0, "Hel", null);
            first.setAttempt("attempt-1");
            send(request, first);
            ChatChunk again = GatewayKafkaFixture.chunk(request, 0, "Hello", null);
            again.setAttempt("attempt-2");
            send(request, again);
            ChatChunk end = GatewayKafkaFixture.chunk(request, 1, "", FinishReason.STOP);
            end.setAttempt("attempt-2");
            end.setUsage(new TokenUsage(GatewayKafkaFixture.PROMPT_TOKENS, 1));
            send(request, end);
            return null;
        }
        if (last.equals(FAIL_AFTER_TEXT)) {
            send(request, GatewayKafkaFixture.chunk(request, 0, "Hel", null));
            send(request, failed(request, 1));
            return null;
        }
        return List.of("Hello", " from", " Fleet");
    }

    private OpenAIClient sdk() {
        String key = GatewayKafkaFixture.givenActiveKey(client, UUID.randomUUID().toString());
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey(key).maxRetries(0).responseValidation(true)
                .build();
    }

    @Test
    void shouldCreateAResponseOverTheChatPath() {
        // given
        OpenAIClient sdk = sdk();
        // when
        Response response = sdk.responses().create(ResponseCreateParams.builder().model("sim-model").input("Hi")
                .instructions("Be brief.").maxOutputTokens(32).temperature(0.2).topP(0.9).user("end-user-1")
                .metadata(ResponseCreateParams.Metadata.builder().putAdditionalProperty("prompt",
                        JsonValue.from("support")).build())
                .build());
        // then the SDK parses the response object and its text
        assertThat(outputText(response)).isEqualTo("Hello from Fleet");
        assertThat(response.id()).startsWith("resp_");
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.model().asString()).isEqualTo("sim-model");
        assertThat(response.instructions().orElseThrow().asString()).isEqualTo("Be brief.");
        assertThat(response._additionalProperties().get("store")).isEqualTo(JsonValue.from(true));
        assertThat(response.usage().orElseThrow().inputTokens()).isEqualTo(GatewayKafkaFixture.PROMPT_TOKENS);
        assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(3);
        assertThat(response.usage().orElseThrow().totalTokens()).isEqualTo(GatewayKafkaFixture.PROMPT_TOKENS + 3);
        // and the orchestrator got the same ChatRequested a chat completion becomes
        ChatRequested request = fleet.chatRequests().stream()
                .filter(r -> response.id().equals("resp_" + r.getRequestId())).findFirst().orElseThrow();
        assertThat(request.getMessages()).extracting(ChatMessage::getRole).containsExactly(ChatRole.SYSTEM,
                ChatRole.USER);
        assertThat(request.getMaxTokens()).isEqualTo(32);
        assertThat(request.getTemperature()).isEqualTo(0.2);
        assertThat(request.getOptions().getTopP()).isEqualTo(0.9);
        assertThat(request.getMetadata()).containsEntry("prompt", "support").containsEntry("user", "end-user-1");
        assertThat(request.getStream()).isFalse();
    }

    @Test
    void shouldStreamDeltasAndEndWithTheCompletedEventWithUsage() {
        // given
        OpenAIClient sdk = sdk();
        List<ResponseStreamEvent> events = new ArrayList<>();
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        // when
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(
                ResponseCreateParams.builder().model("extractive").input("What is Fleet?").build())) {
            stream.stream().forEach(event -> events.add(accumulator.accumulate(event)));
        }
        // then
        StringBuilder deltas = new StringBuilder();
        events.forEach(e -> e.outputTextDelta().ifPresent(d -> deltas.append(d.delta())));
        assertThat(deltas).hasToString("Hello from Fleet");
        assertThat(events.get(0).isCreated()).isTrue();
        assertThat(events).noneMatch(ResponseStreamEvent::isFailed);
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isCompleted()).isTrue();
        assertThat(last.asCompleted().response().usage().orElseThrow().totalTokens())
                .isEqualTo(GatewayKafkaFixture.PROMPT_TOKENS + 3);
        assertThat(outputText(accumulator.response())).isEqualTo("Hello from Fleet");
        assertThat(accumulator.response().status()).contains(ResponseStatus.COMPLETED);
    }

    @Test
    void shouldRaiseTheChatPathsHttpErrorWhenTheResponseFailsBeforeOutput() {
        OpenAIClient sdk = sdk();

        InternalServerException e = catchThrowableOfType(() -> sdk.responses().create(ResponseCreateParams.builder()
                .model("sim-model").input(FAIL_BEFORE_OUTPUT).build()), InternalServerException.class);

        assertThat(e.statusCode()).isEqualTo(502);
        assertThat(e.code()).contains("provider_unavailable");
    }

    @Test
    void shouldEndAStreamThatFailsAfterTextWithResponseFailedNeverCompleted() {
        // given
        OpenAIClient sdk = sdk();
        List<ResponseStreamEvent> events = new ArrayList<>();
        // when
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(
                ResponseCreateParams.builder().model("sim-model").input(FAIL_AFTER_TEXT).build())) {
            stream.stream().forEach(events::add);
        }
        // then
        assertThat(events).filteredOn(ResponseStreamEvent::isOutputTextDelta).singleElement()
                .satisfies(e -> assertThat(e.asOutputTextDelta().delta()).isEqualTo("Hel"));
        assertThat(events).noneMatch(ResponseStreamEvent::isCompleted);
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isFailed()).isTrue();
        Response failed = last.asFailed().response();
        assertThat(failed.status()).contains(ResponseStatus.FAILED);
        assertThat(failed.error().orElseThrow().code()).isEqualTo(ResponseError.Code.SERVER_ERROR);
        assertThat(failed.error().orElseThrow().message()).isEqualTo("all providers failed [provider_unavailable]");
        assertThat(events).extracting(this::sequenceNumber).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void shouldStoreRetrieveListTheInputItemsOfAndDeleteAResponse() {
        // given a response created with store (the default)
        OpenAIClient sdk = sdk();
        Response created = sdk.responses().create(ResponseCreateParams.builder().model("sim-model")
                .instructions("Be brief.").inputOfResponse(List.of(
                        ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                                .role(EasyInputMessage.Role.USER).content("My name is Ada.").build()),
                        ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                                .role(EasyInputMessage.Role.USER).content("Hi").build())))
                .build());
        assertThat(created._additionalProperties().get("store")).isEqualTo(JsonValue.from(true));

        // when it is retrieved and its input items listed
        Response retrieved = sdk.responses().retrieve(created.id());
        InputItemListPage items = sdk.responses().inputItems().list(created.id(),
                InputItemListParams.builder().order(InputItemListParams.Order.ASC).build());

        // then both are what was created, the instructions not among the input items
        assertThat(retrieved.id()).isEqualTo(created.id());
        assertThat(retrieved.status()).contains(ResponseStatus.COMPLETED);
        assertThat(outputText(retrieved)).isEqualTo("Hello from Fleet");
        assertThat(retrieved.instructions().orElseThrow().asString()).isEqualTo("Be brief.");
        assertThat(retrieved.usage().orElseThrow().outputTokens()).isEqualTo(3);
        assertThat(items.data()).extracting(item -> item.responseInputMessageItem().orElseThrow().content().get(0)
                .inputText().orElseThrow().text()).containsExactly("My name is Ada.", "Hi");
        assertThat(items.data()).allSatisfy(item -> assertThat(item.responseInputMessageItem().orElseThrow().role())
                .isEqualTo(ResponseInputMessageItem.Role.USER));
        assertThat(sdk.responses().inputItems().list(created.id()).data()).extracting(item -> item
                .responseInputMessageItem().orElseThrow().content().get(0).inputText().orElseThrow().text())
                .as("newest first by default, as OpenAI lists them").containsExactly("Hi", "My name is Ada.");

        // when it is deleted
        sdk.responses().delete(created.id());

        // then it is gone, and the lookup named the caller's key as the actor
        NotFoundException gone = catchThrowableOfType(() -> sdk.responses().retrieve(created.id()),
                NotFoundException.class);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.getMessage()).contains(created.id());
        assertThat(fleet.responseLookups()).filteredOn(l -> l.getAction() == ResponseAction.DELETE
                && l.getResponseId().equals(created.id())).singleElement()
                .satisfies(l -> assertThat(l.getActor()).isNotBlank());
    }

    @Test
    void shouldContinueAStoredResponseWithPreviousResponseId() {
        // given a stored response
        OpenAIClient sdk = sdk();
        Response first = sdk.responses().create(ResponseCreateParams.builder().model("sim-model")
                .input("My name is Ada.").build());

        // when the next turn continues it
        Response second = sdk.responses().create(ResponseCreateParams.builder().model("sim-model")
                .input("What is my name?").previousResponseId(first.id()).build());

        // then the response says so, and the orchestrator is asked to continue it with only the new turn
        assertThat(second.previousResponseId()).contains(first.id());
        ChatRequested request = fleet.chatRequests().stream()
                .filter(r -> second.id().equals("resp_" + r.getRequestId())).findFirst().orElseThrow();
        assertThat(request.getResponse().getPreviousResponseId()).isEqualTo(first.id());
        assertThat(request.getResponse().getResponseId()).isEqualTo(second.id());
        assertThat(request.getMessages()).extracting(ChatMessage::getContent).containsExactly("What is my name?");
        assertThat(sdk.responses().retrieve(second.id()).previousResponseId()).contains(first.id());
    }

    @Test
    void shouldAnswerAnotherTenantsResponseAsNotFound() {
        // given tenant A's stored response
        OpenAIClient owner = sdk();
        Response owned = owner.responses().create(ResponseCreateParams.builder().model("sim-model").input("Hi")
                .build());
        OpenAIClient intruder = sdk();
        int requestsBefore = fleet.chatRequests().size();

        // when tenant B retrieves, lists, deletes or continues it
        NotFoundException retrieve = catchThrowableOfType(() -> intruder.responses().retrieve(owned.id()),
                NotFoundException.class);
        NotFoundException list = catchThrowableOfType(() -> intruder.responses().inputItems().list(owned.id()),
                NotFoundException.class);
        NotFoundException delete = catchThrowableOfType(() -> intruder.responses().delete(owned.id()),
                NotFoundException.class);
        BadRequestException continued = catchThrowableOfType(() -> intruder.responses().create(ResponseCreateParams
                .builder().model("sim-model").input("And?").previousResponseId(owned.id()).build()),
                BadRequestException.class);

        // then each is OpenAI's error, nothing is asked of a model, and A still has its response
        assertThat(retrieve.statusCode()).isEqualTo(404);
        assertThat(list.statusCode()).isEqualTo(404);
        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(continued.code()).contains("previous_response_not_found");
        assertThat(continued.param()).contains("previous_response_id");
        assertThat(continued.getMessage()).contains("Previous response with id '" + owned.id() + "' not found.");
        assertThat(fleet.chatRequests()).hasSize(requestsBefore);
        assertThat(owner.responses().retrieve(owned.id()).id()).isEqualTo(owned.id());
    }

    @Test
    void shouldNotKeepAResponseCreatedWithoutStore() {
        OpenAIClient sdk = sdk();

        Response response = sdk.responses().create(ResponseCreateParams.builder().model("sim-model").input("Hi")
                .store(false).build());

        assertThat(response._additionalProperties().get("store")).isEqualTo(JsonValue.from(false));
        assertThat(catchThrowableOfType(() -> sdk.responses().retrieve(response.id()), NotFoundException.class)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void shouldEndAStreamWhoseAnswerBrokeOffMidStreamWithResponseFailedNeverCompleted() {
        // given
        OpenAIClient sdk = sdk();
        List<ResponseStreamEvent> events = new ArrayList<>();
        // when the orchestrator answering it goes away after text and another answers it again
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(
                ResponseCreateParams.builder().model("sim-model").input(RESTART_MID_STREAM).build())) {
            stream.stream().forEach(events::add);
        }
        // then the client never gets text of two answers, nor a completed response
        assertThat(events).filteredOn(ResponseStreamEvent::isOutputTextDelta)
                .extracting(e -> e.asOutputTextDelta().delta()).containsExactly("Hel");
        assertThat(events).noneMatch(ResponseStreamEvent::isCompleted);
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isFailed()).isTrue();
        assertThat(last.asFailed().response().error().orElseThrow().message()).contains("reply_restarted");
    }

    @Test
    void shouldEndAStreamThatFailsBeforeOutputWithResponseFailedNeverCompleted() {
        // given
        OpenAIClient sdk = sdk();
        List<ResponseStreamEvent> events = new ArrayList<>();
        // when the provider fails (500) before any text
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(
                ResponseCreateParams.builder().model("sim-model").input(FAIL_BEFORE_OUTPUT).build())) {
            stream.stream().forEach(events::add);
        }
        // then
        assertThat(events).noneMatch(ResponseStreamEvent::isCompleted).noneMatch(ResponseStreamEvent::isOutputTextDelta);
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isFailed()).isTrue();
        assertThat(last.asFailed().response().error().orElseThrow().code()).isEqualTo(ResponseError.Code.SERVER_ERROR);
    }

    @Test
    void shouldFrameEventsAsOpenAiDoesWithoutADoneMarker() {
        String key = GatewayKafkaFixture.givenActiveKey(client, UUID.randomUUID().toString());

        String body = client.post().uri("/v1/responses").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"sim-model\",\"input\":\"Hi\",\"stream\":true}")
                .exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).startsWith("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,");
        assertThat(body).contains("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\"")
                .contains("event: response.completed\n").doesNotContain("[DONE]");
    }

    private long sequenceNumber(ResponseStreamEvent event) {
        Map<?, ?> json = (Map<?, ?>) event._json().orElseThrow().asObject().orElseThrow();
        return ((Number) ((JsonValue) json.get("sequence_number")).asNumber().orElseThrow()).longValue();
    }

    /** What the SDKs' {@code output_text} helper gives: the text of every output_text part, joined. */
    private static String outputText(Response response) {
        StringBuilder text = new StringBuilder();
        response.output().forEach(item -> item.message().ifPresent(message -> message.content()
                .forEach(part -> part.outputText().map(ResponseOutputText::text).ifPresent(text::append))));
        return text.toString();
    }

    private static ChatChunk failed(ChatRequested request, int seq) {
        ChatChunk chunk = GatewayKafkaFixture.chunk(request, seq, "", FinishReason.ERROR);
        chunk.setError(new ReplyError(ErrorType.SERVER_ERROR, ErrorCode.PROVIDER_UNAVAILABLE, "all providers failed"));
        return chunk;
    }

    private static void send(ChatRequested request, ChatChunk chunk) {
        GatewayKafkaFixture.send(FleetTopics.CHAT_REPLIES, request.getReplyPartition(), request.getRequestId(), chunk);
    }
}
