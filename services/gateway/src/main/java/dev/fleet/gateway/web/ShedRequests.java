package dev.fleet.gateway.web;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.HttpHeaders;

/** What the gateway's load-shedding filters share: the shed-requests counter and the {@code Retry-After} header. */
final class ShedRequests {

    private ShedRequests() {
    }

    static Counter counter(MeterRegistry meters, String reason) {
        return Counter.builder("fleet.gateway.requests.shed")
                .description("/v1 requests answered 503 before any work, by reason")
                .tag("reason", reason)
                .register(meters);
    }

    /** Whole seconds, at least 1. */
    static long seconds(Duration retryAfter) {
        return Math.max(1, retryAfter.toSeconds());
    }

    static HttpHeaders retryAfter(Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds(retryAfter)));
        return headers;
    }
}
