package dev.fleet.orchestrator.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.orchestrator.domain.ProviderFailure;
import dev.fleet.orchestrator.domain.ProviderFailure.Cause;

class ProviderErrorsTest {

    @Test
    void shouldTreatAnAnswerThatBrokeOffAfterA200AsTheProvidersTroubleNotARejectedRequest() {
        // what WebClient throws when the connection closes after the 200 headers, before any body
        ProviderFailure failure = ProviderErrors.classify("openai", response(200));

        assertThat(failure.cause()).isEqualTo(Cause.UNREACHABLE);
        assertThat(failure.code()).isEqualTo(ErrorCode.PROVIDER_UNAVAILABLE);
        assertThat(failure.getMessage()).contains("broke off");
    }

    @Test
    void shouldClassifyHttpStatusesAndConnectionTrouble() {
        assertThat(ProviderErrors.classify("p", response(503)).cause()).isEqualTo(Cause.SERVER_ERROR);
        assertThat(ProviderErrors.classify("p", response(429)).cause()).isEqualTo(Cause.RATE_LIMITED);
        assertThat(ProviderErrors.classify("p", response(401)).cause()).isEqualTo(Cause.MISCONFIGURED);
        assertThat(ProviderErrors.classify("p", response(400)).cause()).isEqualTo(Cause.REJECTED);
        assertThat(ProviderErrors.classify("p", new ConnectException("refused")).cause())
                .isEqualTo(Cause.UNREACHABLE);
    }

    private static WebClientResponseException response(int status) {
        return WebClientResponseException.create(status, "status " + status, HttpHeaders.EMPTY, new byte[0],
                StandardCharsets.UTF_8);
    }
}
