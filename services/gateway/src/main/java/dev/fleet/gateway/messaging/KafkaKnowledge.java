package dev.fleet.gateway.messaging;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.gateway.domain.EventBusUnavailableException;
import dev.fleet.gateway.domain.Knowledge;
import dev.fleet.gateway.domain.ReplyTimeoutException;
import dev.fleet.gateway.domain.UpstreamFailureException;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.fleet.platform.kafka.RemoteFailureException;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link Knowledge} over Kafka through the platform's {@link KnowledgeClient} (embedding-worker
 * and scorer), translating its failures into the domain's.
 */
public class KafkaKnowledge implements Knowledge {

    private final KnowledgeClient client;
    private final Duration timeout;

    /** @param timeout the client's own timeout, for the error message */
    public KafkaKnowledge(KnowledgeClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public Mono<EmbeddingResult> embed(String tenantId, List<String> inputs) {
        return client.embed(inputs, EventContext.newEvent(tenantId))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> translate("embedding request", e));
    }

    @Override
    public Mono<ScoreResult> search(String tenantId, String collection, String query, int topK) {
        return client.search(collection, query, topK, EventContext.newEvent(tenantId))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> translate("search", e));
    }

    private Throwable translate(String what, Throwable e) {
        if (e instanceof RemoteFailureException remote) {
            return new UpstreamFailureException(remote.error());
        }
        if (e instanceof TimeoutException) {
            return new ReplyTimeoutException(what, timeout);
        }
        return new EventBusUnavailableException("could not send the " + what + ": " + e.getMessage(), e);
    }
}
