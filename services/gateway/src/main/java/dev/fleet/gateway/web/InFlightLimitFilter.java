package dev.fleet.gateway.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorResponses;
import dev.fleet.platform.web.GuardedPaths;

import reactor.core.publisher.Mono;

/**
 * Bounds the {@code /v1/**} requests one gateway replica works on at once: a request beyond
 * {@code maxInFlight} is answered at once with 503, {@code Retry-After} and OpenAI's error object
 * (code {@code server_overloaded}), never queued. A request counts from the moment it enters
 * until its response is complete, so a chat stream holds its slot until its last event (or
 * until the client goes away). Runs before authentication and rate limits, so shedding costs
 * nothing but this check.
 * <p>
 * Meters: gauge {@code fleet.gateway.requests.in.flight}, counter
 * {@code fleet.gateway.requests.shed{reason=in_flight_limit}}. Limits: the bound is per replica
 * and counts requests, not their weight (a long stream and a quick embedding count the same).
 */
public class InFlightLimitFilter implements WebFilter, Ordered {

    /** After {@link KafkaOutageFilter}, before authentication and rate limits. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private static final GuardedPaths API = new GuardedPaths(List.of("/v1/"));

    private final int maxInFlight;
    private final Duration retryAfter;
    private final ObjectMapper json;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter shed;

    public InFlightLimitFilter(int maxInFlight, Duration retryAfter, ObjectMapper json, MeterRegistry meters) {
        this.maxInFlight = maxInFlight;
        this.retryAfter = retryAfter;
        this.json = json;
        Gauge.builder("fleet.gateway.requests.in.flight", inFlight, AtomicInteger::get)
                .description("/v1 requests this replica is working on (streams until their last event)")
                .register(meters);
        this.shed = ShedRequests.counter(meters, "in_flight_limit");
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!API.matches(exchange)) {
            return chain.filter(exchange);
        }
        return Mono.defer(() -> {
            if (!tryAcquire()) {
                shed.increment();
                return ApiErrorResponses.write(exchange.getResponse(), overloaded(),
                        ShedRequests.retryAfter(retryAfter), json);
            }
            return chain.filter(exchange).doFinally(signal -> inFlight.decrementAndGet());
        });
    }

    /** Requests this replica is working on now. */
    public int inFlight() {
        return inFlight.get();
    }

    private boolean tryAcquire() {
        while (true) {
            int current = inFlight.get();
            if (current >= maxInFlight) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private ApiError overloaded() {
        return ApiError.unavailable("The server is overloaded: this replica is already working on " + maxInFlight
                + " requests. Retry after " + ShedRequests.seconds(retryAfter) + "s.", "server_overloaded");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
