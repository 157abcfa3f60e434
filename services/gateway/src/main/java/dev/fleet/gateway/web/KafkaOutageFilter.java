package dev.fleet.gateway.web;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.fleet.platform.kafka.KafkaReachability;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorResponses;
import dev.fleet.platform.web.GuardedPaths;

import reactor.core.publisher.Mono;

/**
 * Fails fast while Kafka is unreachable: a {@code /v1/**} request that needs Kafka is answered at
 * once with 503, {@code Retry-After} and OpenAI's error object (code {@code kafka_unavailable}),
 * instead of waiting out the producer's timeouts. Requests that need Kafka are those that publish
 * (every method but GET, HEAD and OPTIONS); reads answered from this replica's materialized state
 * ({@code GET /v1/models}) keep working. Traffic resumes by itself as soon as
 * {@link KafkaReachability} sees the cluster again; the readiness probe goes DOWN and UP with it.
 * <p>
 * Meter: counter {@code fleet.gateway.requests.shed{reason=kafka_unavailable}}. Limits: Kafka is
 * seen as unreachable up to about three seconds after it went away; requests admitted in that
 * window fail by the producer's timeouts ({@code FLEET_GATEWAY_PUBLISH_*}), also with 503.
 */
public class KafkaOutageFilter implements WebFilter, Ordered {

    /** First of the gateway's filters: nothing else runs for a request that cannot be served. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 5;

    private static final GuardedPaths API = new GuardedPaths(List.of("/v1/"));
    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final BooleanSupplier kafkaReachable;
    private final Duration retryAfter;
    private final ObjectMapper json;
    private final Counter shed;

    /** @param kafkaReachable {@link KafkaReachability#isReachable()}: true while Kafka answers */
    public KafkaOutageFilter(BooleanSupplier kafkaReachable, Duration retryAfter, ObjectMapper json,
            MeterRegistry meters) {
        this.kafkaReachable = kafkaReachable;
        this.retryAfter = retryAfter;
        this.json = json;
        this.shed = ShedRequests.counter(meters, "kafka_unavailable");
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (kafkaReachable.getAsBoolean() || READS.contains(exchange.getRequest().getMethod()) || !API.matches(exchange)) {
            return chain.filter(exchange);
        }
        shed.increment();
        ApiError error = ApiError.unavailable("The service is temporarily unable to accept requests: its event bus "
                + "(Kafka) is unreachable. Retry after " + ShedRequests.seconds(retryAfter) + "s.", "kafka_unavailable");
        return ApiErrorResponses.write(exchange.getResponse(), error, ShedRequests.retryAfter(retryAfter), json);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
