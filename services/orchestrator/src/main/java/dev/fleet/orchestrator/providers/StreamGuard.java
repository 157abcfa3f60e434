package dev.fleet.orchestrator.providers;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.fleet.orchestrator.domain.ProviderChunk;
import dev.fleet.orchestrator.domain.ProviderFailure;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The resilience around one provider's streams, the same for every kind of provider:
 * <ol>
 * <li>timeouts per attempt: time to first token, time between tokens, total;</li>
 * <li>every failure classified into a {@link ProviderFailure} (by {@link ProviderErrors}), marked
 * {@linkplain ProviderFailure#afterText() after text} once text was streamed;</li>
 * <li>a resilience4j {@link CircuitBreaker} per provider counting endpoint faults (not 429s, not
 * refused requests); an open breaker fails at once with {@code CIRCUIT_OPEN};</li>
 * <li>a resilience4j {@link Retry} with exponential backoff repeating only
 * {@linkplain ProviderFailure#retryable() retryable} failures before the first text.</li>
 * </ol>
 * The timeouts are Reactor's rather than resilience4j's TimeLimiter: a TimeLimiter has one duration
 * per element, and the first token deserves a different one than the next. The breaker is per
 * provider (one endpoint, one health), not per model.
 */
public final class StreamGuard {

    /** The timeouts of one attempt. */
    public record Timeouts(Duration firstToken, Duration betweenTokens, Duration total) {
    }

    private final String provider;
    private final Timeouts timeouts;
    private final CircuitBreaker circuitBreaker;
    private final Retry retry;

    public StreamGuard(String provider, Timeouts timeouts, CircuitBreaker circuitBreaker, Retry retry) {
        this.provider = provider;
        this.timeouts = timeouts;
        this.circuitBreaker = circuitBreaker;
        this.retry = retry;
    }

    /** For the breaker's {@code recordException}: failures that say the endpoint is unwell. */
    public static boolean isEndpointFault(Throwable error) {
        return error instanceof ProviderFailure failure && failure.endpointFault();
    }

    /** For the retry's {@code retryOnException}. */
    public static boolean isRetryable(Throwable error) {
        return error instanceof ProviderFailure failure && failure.retryable();
    }

    /** {@code call} (one attempt each time it is invoked), guarded as described above. */
    public Flux<ProviderChunk> guard(Supplier<Flux<ProviderChunk>> call) {
        return Flux.defer(() -> attempt(call))
                .onErrorMap(CallNotPermittedException.class, e -> ProviderFailure.of(provider,
                        ProviderFailure.Cause.CIRCUIT_OPEN, "The model provider '" + provider
                                + "' is unavailable (too many recent failures); try again later"))
                .transformDeferred(RetryOperator.of(retry));
    }

    private Flux<ProviderChunk> attempt(Supplier<Flux<ProviderChunk>> call) {
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean texted = new AtomicBoolean();
        long due = System.nanoTime() + timeouts.total().toNanos();
        return Flux.defer(call)
                .timeout(within(timeouts.firstToken(), due), piece -> within(timeouts.betweenTokens(), due))
                .doOnNext(piece -> {
                    started.set(true);
                    if (!piece.text().isEmpty()) {
                        texted.set(true);
                    }
                })
                .onErrorMap(error -> {
                    ProviderFailure failure = error instanceof TimeoutException
                            ? ProviderFailure.of(provider, ProviderFailure.Cause.TIMEOUT, timeoutMessage(started.get(), due))
                            : ProviderErrors.classify(provider, error);
                    return texted.get() ? failure.afterText() : failure;
                })
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker));
    }

    private static Mono<Long> within(Duration timeout, long dueNanos) {
        long left = Math.max(0, dueNanos - System.nanoTime());
        return Mono.delay(Duration.ofNanos(Math.min(timeout.toNanos(), left)));
    }

    private String timeoutMessage(boolean started, long dueNanos) {
        if (dueNanos - System.nanoTime() <= 1_000_000) {
            return "The model provider '" + provider + "' did not finish within " + format(timeouts.total());
        }
        return started ? "The model provider '" + provider + "' sent no token for " + format(timeouts.betweenTokens())
                : "The model provider '" + provider + "' sent no first token within " + format(timeouts.firstToken());
    }

    private static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
