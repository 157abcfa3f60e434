package dev.fleet.orchestrator.domain.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.orchestrator.domain.PeriodicWork;

import reactor.core.publisher.Mono;

/**
 * Sends due webhook deliveries, every {@code pollInterval}, off the Kafka consumer threads: claims
 * a batch (one attempt each, leased so another replica or a restart does not send it twice at once),
 * POSTs each to the tenant's current webhook with its signature, and records the outcome — a 2xx is
 * delivered; anything else is retried after {@link RetryBackoff} and dead after the last attempt
 * (visible in the admin API, logged at WARN; not published anywhere else).
 * <p>
 * Limits: at-least-once — a receiver that answered but whose answer was lost (timeout, crash before
 * the outcome was written) gets the delivery again, with the same {@code x-fleet-event-id}.
 * A webhook removed after the event was consumed makes its deliveries dead ("webhook removed").
 */
public class WebhookDeliverer extends PeriodicWork {

    private static final Logger log = LoggerFactory.getLogger(WebhookDeliverer.class);

    private final WebhookStore store;
    private final WebhookSender sender;
    private final RetryBackoff backoff;
    private final Clock clock;
    private final Duration lease;
    private final int batchSize;

    /** @param lease how long a claimed delivery is left alone: longer than a POST may take */
    public WebhookDeliverer(WebhookStore store, WebhookSender sender, RetryBackoff backoff, Clock clock,
            Duration pollInterval, Duration lease, int batchSize) {
        super("working off webhook deliveries", pollInterval, pollInterval);
        this.store = store;
        this.sender = sender;
        this.backoff = backoff;
        this.clock = clock;
        this.lease = lease;
        this.batchSize = batchSize;
    }

    @Override
    protected Mono<Long> runOnce() {
        return deliverDue();
    }

    /** One round: sends what is due now; emits how many were attempted. */
    public Mono<Long> deliverDue() {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            return store.claimDue(now, now.plus(lease), batchSize).flatMap(this::deliver, batchSize).count();
        });
    }

    private Mono<Void> deliver(WebhookDelivery delivery) {
        return store.findWebhook(delivery.tenantId()).map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(webhook -> webhook.isPresent() ? send(webhook.get(), delivery)
                        : failed(delivery, null, "webhook removed", true));
    }

    private Mono<Void> send(QuotaWebhook webhook, WebhookDelivery delivery) {
        long t = clock.instant().getEpochSecond();
        Map<String, String> headers = Map.of(
                WebhookSignature.HEADER, WebhookSignature.header(webhook.secret(), t, delivery.body()),
                WebhookSignature.EVENT_ID_HEADER, delivery.eventId().toString());
        return sender.post(webhook.url(), delivery.body(), headers)
                .flatMap(status -> status >= 200 && status < 300
                        ? store.markDelivered(delivery.eventId(), status, clock.instant())
                        : failed(delivery, status, "HTTP " + status, false))
                .onErrorResume(e -> failed(delivery, null, e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()), false));
    }

    private Mono<Void> failed(WebhookDelivery delivery, Integer status, String error, boolean final_) {
        Duration pause = final_ ? null : backoff.after(delivery.attempts());
        Instant now = clock.instant();
        if (pause == null) {
            log.warn("webhook delivery {} of tenant {} is dead after {} attempt(s): {}", delivery.eventId(),
                    delivery.tenantId(), delivery.attempts(), error);
        }
        return store.markFailed(delivery.eventId(), status, error, pause == null ? null : now.plus(pause), now);
    }
}
