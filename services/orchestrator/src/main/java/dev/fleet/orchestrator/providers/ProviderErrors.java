package dev.fleet.orchestrator.providers;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.fleet.orchestrator.domain.ProviderFailure;
import dev.fleet.orchestrator.domain.ProviderFailure.Cause;

/**
 * Classifies what a provider's HTTP client throws into a {@link ProviderFailure}: by HTTP status
 * (408, 5xx → server error; 429 → rate limited; 401/403/404 → misconfigured; other 4xx → the request
 * is refused), connection trouble (also a 2xx whose body broke off) → unreachable, anything
 * else → other. The status is read from
 * WebClient's and RestClient's exceptions, and from the message of the RuntimeException Spring AI's
 * Anthropic client (1.1) wraps a streaming error in. The message names the
 * provider and the status, never the provider's response body (it may echo the request).
 */
final class ProviderErrors {

    /** How Spring AI's Anthropic client reports an HTTP error of a stream: a plain RuntimeException. */
    private static final Pattern WRAPPED_STATUS = Pattern.compile("Response exception, Status: \\[(\\d{3})\\b");

    private ProviderErrors() {
    }

    static ProviderFailure classify(String provider, Throwable error) {
        if (error instanceof ProviderFailure failure) {
            return failure;
        }
        Integer status = status(error);
        if (status != null && status < 400) {
            // the provider accepted the call, then its answer broke off (a closed connection): its trouble, not ours
            return ProviderFailure.of(provider, Cause.UNREACHABLE,
                    "The model provider '" + provider + "' broke off its answer");
        }
        if (status != null) {
            return ProviderFailure.of(provider, causeOf(status),
                    "The model provider '" + provider + "' answered HTTP " + status);
        }
        if (connectionTrouble(error)) {
            return ProviderFailure.of(provider, Cause.UNREACHABLE,
                    "The model provider '" + provider + "' cannot be reached");
        }
        return ProviderFailure.of(provider, Cause.OTHER, "The model provider '" + provider + "' failed");
    }

    static Cause causeOf(int status) {
        if (status == 408 || status >= 500) {
            return Cause.SERVER_ERROR;
        }
        return switch (status) {
            case 429 -> Cause.RATE_LIMITED;
            case 401, 403, 404 -> Cause.MISCONFIGURED;
            default -> Cause.REJECTED;
        };
    }

    /** The HTTP status in {@code error} or its causes; null when there is none. */
    private static Integer status(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            Matcher wrapped = e.getMessage() == null ? null : WRAPPED_STATUS.matcher(e.getMessage());
            if (wrapped != null && wrapped.lookingAt()) {
                return Integer.parseInt(wrapped.group(1));
            }
            if (e instanceof WebClientResponseException response) {
                return response.getStatusCode().value();
            }
            if (e instanceof RestClientResponseException response) {
                return response.getStatusCode().value();
            }
        }
        return null;
    }

    private static boolean connectionTrouble(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof WebClientRequestException || e instanceof ConnectException
                    || e instanceof UnknownHostException || e instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
