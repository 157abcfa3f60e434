package dev.fleet.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

class AdminTokenWebFilterTest {

    private boolean passed;
    private final WebFilterChain chain = exchange -> {
        passed = true;
        return Mono.empty();
    };

    @Test
    void shouldLetTheRightTokenThrough() {
        MockServerWebExchange exchange = exchange("/admin/tenants", "Bearer s3cret");

        filter("s3cret").filter(exchange, chain).block();

        assertThat(passed).isTrue();
    }

    @Test
    void shouldRejectAWrongOrMissingToken() {
        MockServerWebExchange wrong = exchange("/admin/tenants", "Bearer nope");
        MockServerWebExchange missing = exchange("/admin/tenants", null);

        filter("s3cret").filter(wrong, chain).block();
        filter("s3cret").filter(missing, chain).block();

        assertThat(passed).isFalse();
        assertThat(wrong.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(wrong.getResponse().getBodyAsString().block()).contains("\"code\":\"invalid_admin_token\"");
        assertThat(missing.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void shouldCloseTheAdminApiWithoutAConfiguredToken() {
        MockServerWebExchange exchange = exchange("/admin/tenants", "Bearer ");

        filter("").filter(exchange, chain).block();

        assertThat(passed).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }

    @Test
    void shouldGuardEncodedAndParameterizedSpellingsOfTheAdminPath() {
        for (String path : List.of("/%61dmin/tenants", "/admin;x=1/tenants", "/admin/")) {
            passed = false;
            MockServerWebExchange exchange = exchange(path, null);

            filter("s3cret").filter(exchange, chain).block();

            assertThat(passed).as(path).isFalse();
            assertThat(exchange.getResponse().getStatusCode()).as(path).isEqualTo(HttpStatus.UNAUTHORIZED);
        }
    }

    @Test
    void shouldAcceptTheBearerSchemeInAnyCase() {
        MockServerWebExchange exchange = exchange("/admin/tenants", "bearer s3cret");

        filter("s3cret").filter(exchange, chain).block();

        assertThat(passed).isTrue();
    }

    @Test
    void shouldLeaveOtherPathsAlone() {
        MockServerWebExchange exchange = exchange("/v1/models", null);

        filter("s3cret").filter(exchange, chain).block();

        assertThat(passed).isTrue();
    }

    @Test
    void shouldSendRetryAfterForRetryableErrors() {
        var response = new ApiErrorHandler().apiError(new ApiErrorException(
                ApiError.unavailable("busy", "kafka_unavailable"), Duration.ofSeconds(5)));

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("5");
    }

    private static AdminTokenWebFilter filter(String token) {
        return new AdminTokenWebFilter(new AdminProperties(token, List.of("/admin/")));
    }

    private static MockServerWebExchange exchange(String path, String authorization) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.method(HttpMethod.GET,
                URI.create(path)); // as sent: not re-encoded
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return MockServerWebExchange.from(request);
    }
}
