package dev.fleet.orchestrator.providers;

import java.time.Duration;

import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Keeps a provider's HTTP connection for the next request when the client stops reading a response
 * early. Spring AI stops reading a stream at its {@code data: [DONE]} event (a {@code takeUntil}),
 * a moment before the end of the chunked body arrives; Reactor Netty closes a connection whose
 * response was cancelled unread, so without this filter every streamed completion opened a new TCP
 * (and, against a real provider, TLS) connection. Here a cancelled body is read to its end in the
 * background, its buffers released, so the connection goes back to the pool; if the end does not
 * come within {@code grace} (a stalled stream abandoned by a timeout), the body is cancelled and
 * the connection closed as before.
 */
public final class KeepAliveAfterCancel {

    private KeepAliveAfterCancel() {
    }

    /** The filter for a provider's {@code WebClient}. */
    public static ExchangeFilterFunction filter(Duration grace) {
        return (request, next) -> next.exchange(request)
                .map(response -> response.mutate().body(body -> drainOnCancel(body, grace)).build());
    }

    /** {@code body}, except that a cancel reads the rest (up to {@code grace}) instead of cancelling it. */
    static Flux<DataBuffer> drainOnCancel(Flux<DataBuffer> body, Duration grace) {
        return body.transform(Operators.<DataBuffer, DataBuffer>lift((scannable, downstream) ->
                new Draining(downstream, grace)));
    }

    private static final class Draining implements CoreSubscriber<DataBuffer>, Subscription {

        private final CoreSubscriber<? super DataBuffer> downstream;
        private final Duration grace;
        private volatile Subscription upstream;
        private volatile boolean cancelled;
        private volatile boolean done;
        private volatile Disposable deadline;

        Draining(CoreSubscriber<? super DataBuffer> downstream, Duration grace) {
            this.downstream = downstream;
            this.grace = grace;
        }

        @Override
        public Context currentContext() {
            return downstream.currentContext();
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            this.upstream = subscription;
            downstream.onSubscribe(this);
        }

        @Override
        public void onNext(DataBuffer buffer) {
            if (cancelled) {
                DataBufferUtils.release(buffer);
            } else {
                downstream.onNext(buffer);
            }
        }

        @Override
        public void onError(Throwable error) {
            finished();
            if (!cancelled) {
                downstream.onError(error);
            }
        }

        @Override
        public void onComplete() {
            finished();
            if (!cancelled) {
                downstream.onComplete();
            }
        }

        @Override
        public void request(long n) {
            if (!cancelled) {
                upstream.request(n);
            }
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            upstream.request(Long.MAX_VALUE); // read on to the end of the body (usually already on its way)
            Disposable timer = Mono.delay(grace).subscribe(tick -> upstream.cancel());
            deadline = timer;
            if (done) {
                timer.dispose();
            }
        }

        private void finished() {
            done = true;
            Disposable timer = deadline;
            if (timer != null) {
                timer.dispose();
            }
        }
    }
}
