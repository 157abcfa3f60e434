package dev.fleet.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import reactor.core.publisher.Mono;

/**
 * A tiny auto-configured reactive app (one controller, one functional route, the actuator): every
 * error path answers in OpenAI's shape, and the actuator keeps its own responses.
 */
@SpringBootTest(classes = OpenAiErrorWebExceptionHandlerTest.TinyApp.class,
        properties = {"spring.main.web-application-type=reactive", "management.endpoints.web.exposure.include=health"})
@AutoConfigureWebTestClient
class OpenAiErrorWebExceptionHandlerTest {

    private static final String SECRET = "db password is hunter2";

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Greetings.class)
    static class TinyApp {

        @Bean
        RouterFunction<ServerResponse> busyRoute() {
            return RouterFunctions.route()
                    .GET("/busy", request -> Mono.error(new ApiErrorException(
                            ApiError.unavailable("try later", "busy"), Duration.ofSeconds(3))))
                    .GET("/broken", request -> Mono.error(new IllegalStateException(SECRET)))
                    .build();
        }
    }

    @RestController
    static class Greetings {

        @PostMapping(path = "/greetings", consumes = MediaType.APPLICATION_JSON_VALUE)
        Map<String, String> greet(@RequestBody Map<String, String> body) {
            return Map.of("greeting", "hello " + body.get("name"));
        }

        @GetMapping("/greetings/crash")
        String crash() {
            throw new IllegalStateException(SECRET);
        }

        @GetMapping("/greetings/failed")
        Mono<String> failed() {
            return Mono.error(new NullPointerException(SECRET));
        }
    }

    @Autowired
    WebTestClient client;

    @Test
    void shouldAnswerAnUnknownRouteWith404() {
        JsonNode error = expectOpenAiError(client.get().uri("/nowhere").exchange(), 404, "invalid_request_error",
                "not_found");

        assertThat(error.get("message").asText()).isEqualTo("Invalid URL (GET /nowhere)");
    }

    @Test
    void shouldAnswerAWrongMethodWith405AndTheAllowedOnes() {
        WebTestClient.ResponseSpec response = client.delete().uri("/greetings").exchange();

        response.expectHeader().valueEquals(HttpHeaders.ALLOW, "POST");
        JsonNode error = expectOpenAiError(response, 405, "invalid_request_error", "method_not_allowed");
        assertThat(error.get("message").asText()).contains("DELETE").contains("POST");
    }

    @Test
    void shouldAnswerAWrongMediaTypeWith415() {
        JsonNode error = expectOpenAiError(client.post().uri("/greetings").contentType(MediaType.TEXT_PLAIN)
                .bodyValue("name=ada").exchange(), 415, "invalid_request_error", "unsupported_media_type");

        assertThat(error.get("message").asText()).contains("text/plain").contains("application/json");
    }

    @Test
    void shouldAnswerUnexpectedFailuresWith500WithoutLeakingThem() {
        for (String path : new String[] {"/greetings/crash", "/greetings/failed", "/broken"}) {
            String body = expectOpenAiError(client.get().uri(path).exchange(), 500, "server_error", "internal_error")
                    .toString();

            assertThat(body).as(path).doesNotContain(SECRET).doesNotContain("Exception").doesNotContain("at dev.")
                    .doesNotContain("trace");
        }
    }

    @Test
    void shouldAnswerAnApiErrorOutsideControllersWithItsRetryAfter() {
        WebTestClient.ResponseSpec response = client.get().uri("/busy").exchange();

        response.expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "3");
        expectOpenAiError(response, 503, "server_error", "busy");
    }

    @Test
    void shouldKeepRenderingControllerErrorsThroughTheAdvice() {
        expectOpenAiError(client.post().uri("/greetings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": ").exchange(), 400, "invalid_request_error", "invalid_request");
        client.post().uri("/greetings").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "ada"))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.greeting").isEqualTo("hello ada");
    }

    @Test
    void shouldLeaveTheActuatorAlone() {
        client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("application/vnd.spring-boot.actuator.v3+json")
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        expectOpenAiError(client.get().uri("/actuator/nothing").exchange(), 404, "invalid_request_error",
                "not_found");
    }

    /** Asserts the status and the exact OpenAI error shape; answers the {@code error} object. */
    private static JsonNode expectOpenAiError(WebTestClient.ResponseSpec response, int status, String type,
            String code) {
        JsonNode body = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(body).isNotNull();
        assertThat(body.properties()).extracting(Map.Entry::getKey).containsExactly("error");
        JsonNode error = body.get("error");
        assertThat(error.properties()).extracting(Map.Entry::getKey)
                .containsExactly("message", "type", "param", "code");
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("type").asText()).isEqualTo(type);
        assertThat(error.get("code").asText()).isEqualTo(code);
        return error;
    }
}
