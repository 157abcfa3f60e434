package dev.fleet.gateway.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ResponseAction;
import dev.fleet.events.v1.ResponseLookup;
import dev.fleet.events.v1.ResponseLookupResult;
import dev.fleet.events.v1.StoredResponse;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.EventBusUnavailableException;
import dev.fleet.gateway.domain.ReplyTimeoutException;
import dev.fleet.gateway.domain.ResponseNotFoundException;
import dev.fleet.gateway.domain.StoredResponses;
import dev.fleet.gateway.domain.UpstreamFailureException;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.ReplyRouter;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link StoredResponses} over Kafka, request/reply as the platform's {@code KnowledgeClient} does
 * it: a {@code ResponseLookup} on {@code fleet.responses.lookups.v1} naming the reply partition its
 * {@link ReplyRouter} pinned it to, answered by the orchestrator with a {@code ResponseLookupResult},
 * awaited at most {@code timeout}.
 */
public class KafkaStoredResponses implements StoredResponses {

    private final FleetPublisher publisher;
    private final ReplyRouter<ResponseLookupResult> results;
    private final String instanceId;
    private final Duration timeout;

    public KafkaStoredResponses(FleetPublisher publisher, ReplyRouter<ResponseLookupResult> results, String instanceId,
            Duration timeout) {
        this.publisher = publisher;
        this.results = results;
        this.instanceId = instanceId;
        this.timeout = timeout;
    }

    @Override
    public Mono<StoredResponse> retrieve(Caller caller, String responseId) {
        return lookup(caller, responseId, ResponseAction.RETRIEVE).map(ResponseLookupResult::getResponse);
    }

    @Override
    public Mono<Void> delete(Caller caller, String responseId) {
        return lookup(caller, responseId, ResponseAction.DELETE).then();
    }

    private Mono<ResponseLookupResult> lookup(Caller caller, String responseId, ResponseAction action) {
        return Mono.defer(() -> {
            String requestId = UUID.randomUUID().toString();
            ReplyRouter.Registration<ResponseLookupResult> registration = results.register(requestId);
            ResponseLookup lookup = ResponseLookup.newBuilder()
                    .setRequestId(requestId)
                    .setTenantId(caller.tenantId())
                    .setResponseId(responseId)
                    .setAction(action)
                    .setActor(caller.keyId())
                    .setReplyTo(instanceId)
                    .setReplyPartition(registration.partition())
                    .setRequestedAt(Instant.now())
                    .build();
            Mono<ResponseLookupResult> reply = registration.replies().next();
            return publisher.send(FleetTopics.RESPONSE_LOOKUPS, requestId, lookup, EventContext.newEvent(caller.tenantId()))
                    .doOnError(e -> results.forget(requestId))
                    .then(reply)
                    .timeout(timeout);
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> translate(action, e))
                .flatMap(result -> {
                    if (result.getError() == null) {
                        return Mono.just(result);
                    }
                    return Mono.error(result.getError().getType() == ErrorType.NOT_FOUND_ERROR
                            ? new ResponseNotFoundException(responseId)
                            : new UpstreamFailureException(result.getError()));
                });
    }

    private Throwable translate(ResponseAction action, Throwable e) {
        String what = action == ResponseAction.DELETE ? "response deletion" : "response lookup";
        if (e instanceof TimeoutException) {
            return new ReplyTimeoutException(what, timeout);
        }
        return new EventBusUnavailableException("could not send the " + what + ": " + e.getMessage(), e);
    }
}
