package dev.fleet.gateway.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.gateway.domain.EventBusUnavailableException;
import dev.fleet.gateway.domain.Knowledge;
import dev.fleet.gateway.domain.ReplyTimeoutException;
import dev.fleet.gateway.domain.RequestTooLargeException;
import dev.fleet.gateway.domain.UpstreamFailureException;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.fleet.platform.kafka.RemoteFailureException;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link Knowledge} over Kafka through the platform's {@link KnowledgeClient} (embedding-worker
 * and scorer; a recommendation goes to the scorer alone), translating its failures into the domain's.
 */
public class KafkaKnowledge implements Knowledge {

    private final KnowledgeClient client;
    private final Duration timeout;
    private final RecordSizeLimit sizeLimit;
    private final String instanceId;

    /**
     * @param timeout    the client's own timeout, for the error message
     * @param sizeLimit  what an embedding request record may weigh
     * @param instanceId this replica's id, as the client puts it into {@code replyTo}
     */
    public KafkaKnowledge(KnowledgeClient client, Duration timeout, RecordSizeLimit sizeLimit, String instanceId) {
        this.client = client;
        this.timeout = timeout;
        this.sizeLimit = sizeLimit;
        this.instanceId = instanceId;
    }

    @Override
    public Mono<EmbeddingResult> embed(String tenantId, List<String> inputs) {
        return Mono.fromRunnable(() -> checkSize(tenantId, inputs))
                .then(client.embed(inputs, EventContext.newEvent(tenantId)))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> translate("embedding request", e));
    }

    @Override
    public Mono<ScoreResult> search(String tenantId, String collection, String query, int topK,
            Map<String, List<String>> filter) {
        return client.search(collection, query, topK, filter, EventContext.newEvent(tenantId))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> translate("search", e));
    }

    @Override
    public Mono<ScoreResult> recommend(String tenantId, String collection, List<String> positive,
            List<String> negative, int topK, Map<String, List<String>> filter) {
        return client.recommend(collection, positive, negative, topK, filter, EventContext.newEvent(tenantId))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> translate("recommendation", e));
    }

    @Override
    public Mono<ScoreResult> recommendForUser(String tenantId, String collection, String user, boolean excludeSeen,
            int topK, Map<String, List<String>> filter) {
        return client.recommendForUser(collection, user, excludeSeen, topK, filter, EventContext.newEvent(tenantId))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> translate("recommendation", e));
    }

    /**
     * Measures the request the client is about to build (same fields; the request id and time
     * have fixed encoded sizes), so an oversized one fails before anything is published.
     */
    private void checkSize(String tenantId, List<String> inputs) {
        String requestId = UUID.randomUUID().toString();
        sizeLimit.check(FleetTopics.EMBEDDING_REQUESTS, requestId, EmbeddingRequested.newBuilder()
                .setRequestId(requestId).setTenantId(tenantId).setModel(KnowledgeClient.EMBEDDING_MODEL)
                .setInputs(inputs).setReplyTo(instanceId).setRequestedAt(Instant.now()).build(),
                "the embedding request");
    }

    private Throwable translate(String what, Throwable e) {
        if (e instanceof RequestTooLargeException) {
            return e;
        }
        if (e instanceof RemoteFailureException remote) {
            return new UpstreamFailureException(remote.error());
        }
        if (e instanceof TimeoutException) {
            return new ReplyTimeoutException(what, timeout);
        }
        return new EventBusUnavailableException("could not send the " + what + ": " + e.getMessage(), e);
    }
}
