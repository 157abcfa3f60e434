package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

import reactor.core.publisher.Flux;

/**
 * Bad input, one row per kind: each is answered with OpenAI's error object and the right status,
 * and nothing reaches a request topic or a dead-letter topic (their end offsets stay put).
 */
class RequestRejectionTest extends KafkaGatewayTest {

    private static final List<Topic<?>> REQUEST_TOPICS = List.of(FleetTopics.CHAT_REQUESTS,
            FleetTopics.EMBEDDING_REQUESTS, FleetTopics.SCORE_REQUESTS, FleetTopics.ITEMS);
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private static String key;

    /**
     * One bad request.
     *
     * @param chunked send the body without {@code Content-Length}
     * @param code    the expected {@code error.code}, or null to check only type and param
     * @param param   the expected {@code error.param}, or null
     */
    record Rejection(String kind, String path, byte[] body, boolean chunked, int status, String code, String param) {

        static Rejection of(String kind, String path, String body, int status, String code, String param) {
            return new Rejection(kind, path, body.getBytes(StandardCharsets.UTF_8), false, status, code, param);
        }

        @Override
        public String toString() {
            return kind;
        }
    }

    static Stream<Rejection> rejections() {
        String chat = "/v1/chat/completions";
        String embeddings = "/v1/embeddings";
        String huge = "x".repeat(MAX_BODY_BYTES);
        byte[] invalidUtf8 = concat("{\"model\":\"extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"",
                new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, "\"}]}");
        String manyInputs = IntStream.range(0, 16).mapToObj(i -> "\"" + "y".repeat(MAX_ITEM_CHARS - 100) + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        return Stream.of(
                Rejection.of("malformed JSON", chat, "{\"model\":\"extractive\",\"messages\":[", 400,
                        "invalid_request", null),
                Rejection.of("messages of the wrong type", chat, "{\"model\":\"extractive\",\"messages\":\"hi\"}", 400,
                        "invalid_request", null),
                Rejection.of("temperature of the wrong type", chat, "{\"model\":\"extractive\",\"temperature\":\"hot\","
                        + HI + "}", 400, "invalid_request", null),
                Rejection.of("empty messages", chat, "{\"model\":\"extractive\",\"messages\":[]}", 400,
                        "invalid_request", "messages"),
                Rejection.of("unknown model", chat, "{\"model\":\"gpt-9\"," + HI + "}", 404, "model_not_found",
                        "model"),
                Rejection.of("negative max_tokens", chat, "{\"model\":\"extractive\",\"max_tokens\":-1," + HI + "}",
                        400, "invalid_request", "max_tokens"),
                Rejection.of("huge max_tokens", chat, "{\"model\":\"extractive\",\"max_tokens\":100000000," + HI
                        + "}", 400, "invalid_request", "max_tokens"),
                Rejection.of("max_tokens beyond an int", chat, "{\"model\":\"extractive\",\"max_tokens\":1e12," + HI
                        + "}", 400, "invalid_request", null),
                Rejection.of("n above 1", chat, "{\"model\":\"extractive\",\"n\":3," + HI + "}", 400,
                        "invalid_request", "n"),
                Rejection.of("logprobs", chat, "{\"model\":\"extractive\",\"logprobs\":true," + HI + "}", 400,
                        "invalid_request", "logprobs"),
                Rejection.of("image content part", chat, "{\"model\":\"extractive\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}", 400,
                        "invalid_request", "messages[0].content[0].type"),
                Rejection.of("control characters in user", chat, "{\"model\":\"extractive\",\"user\":\"eve\\u0000"
                        + "\\u001b[31m\"," + HI + "}", 400, "invalid_request", "user"),
                Rejection.of("body over the limit", chat, "{\"model\":\"extractive\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"" + huge + "\"}]}", 413, "request_too_large", null),
                new Rejection("chunked body over the limit", chat, ("{\"model\":\"extractive\",\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"" + huge + "\"}]}").getBytes(StandardCharsets.UTF_8), true, 413,
                        "request_too_large", null),
                new Rejection("invalid UTF-8", chat, invalidUtf8, false, 400, "invalid_request", null),
                Rejection.of("chat record over max.message.bytes", chat, "{\"model\":\"extractive\",\"messages\":["
                        + "{\"role\":\"user\",\"content\":\"" + "z".repeat(MAX_RECORD_BYTES + 1) + "\"}]}", 400,
                        "request_too_large", null),
                Rejection.of("embedding record over max.message.bytes", embeddings,
                        "{\"model\":\"all-minilm-l6-v2\",\"input\":" + manyInputs + "}", 400, "request_too_large",
                        null),
                Rejection.of("embedding input over the per-item limit", embeddings, "{\"model\":\"all-minilm-l6-v2\","
                        + "\"input\":\"" + "y".repeat(MAX_ITEM_CHARS + 1) + "\"}", 400, "invalid_request", "input"),
                Rejection.of("item text over the per-item limit", "/v1/collections/docs/items", "{\"items\":[{\"id\":"
                        + "\"a\",\"text\":\"" + "t".repeat(MAX_ITEM_CHARS + 1) + "\"}]}", 400, "invalid_request",
                        "items[0].text"),
                Rejection.of("top_k over the maximum", "/v1/collections/docs/search",
                        "{\"query\":\"kafka\",\"top_k\":51}", 400, "invalid_request", "top_k"),
                Rejection.of("search query of the wrong type", "/v1/collections/docs/search",
                        "{\"query\":{\"text\":\"kafka\"}}", 400, "invalid_request", null),
                Rejection.of("search filter with an unknown operator", "/v1/collections/docs/search",
                        "{\"query\":\"kafka\",\"filter\":{\"tier\":{\"gt\":\"a\"}}}", 400, "invalid_request",
                        "filter.tier"),
                Rejection.of("recommendation without positives", "/v1/collections/docs/recommend",
                        "{\"negative\":[\"a\"]}", 400, "invalid_request", "positive"),
                Rejection.of("recommendation with an invalid example id", "/v1/collections/docs/recommend",
                        "{\"positive\":[\"a/b\"]}", 400, "invalid_request", "positive[0]"));
    }

    @BeforeEach
    void key() {
        if (key == null) {
            key = GatewayKafkaFixture.givenActiveKey(client, UUID.randomUUID().toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void shouldAnswerOpenAiErrorAndPublishNothing(Rejection rejection) {
        // given
        Map<String, Long> before = publishedSoFar();
        // when
        JsonNode error = send(rejection).expectStatus().isEqualTo(rejection.status())
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("error");
        // then
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        if (rejection.code() != null) {
            assertThat(error.get("code").asText()).isEqualTo(rejection.code());
        }
        if (rejection.param() != null) {
            assertThat(error.get("param").asText()).isEqualTo(rejection.param());
        }
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(publishedSoFar()).isEqualTo(before));
    }

    private WebTestClient.ResponseSpec send(Rejection rejection) {
        WebTestClient.RequestBodySpec request = client.post().uri(rejection.path())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key).contentType(MediaType.APPLICATION_JSON);
        if (!rejection.chunked()) {
            return request.bodyValue(rejection.body()).exchange();
        }
        DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
        int half = rejection.body().length / 2;
        Flux<DataBuffer> parts = Flux.just(Arrays.copyOfRange(rejection.body(), 0, half),
                Arrays.copyOfRange(rejection.body(), half, rejection.body().length)).map(buffers::wrap);
        return request.body(parts, DataBuffer.class).exchange();
    }

    /** End offsets of every request topic and its dead-letter topic. */
    private static Map<String, Long> publishedSoFar() {
        return GatewayKafkaFixture.endOffsetSumsByName(REQUEST_TOPICS.stream()
                .flatMap(topic -> Stream.of(topic.name(), topic.dlq())).toList());
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        byte[] a = head.getBytes(StandardCharsets.UTF_8);
        byte[] c = tail.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(middle, 0, all, a.length, middle.length);
        System.arraycopy(c, 0, all, a.length + middle.length, c.length);
        return all;
    }
}
