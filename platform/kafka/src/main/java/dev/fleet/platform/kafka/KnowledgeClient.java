package dev.fleet.platform.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.EmbeddingVector;
import dev.fleet.events.v1.RecommendExamples;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;

/**
 * Asks the embedding-worker and the scorer over Kafka: embeddings of texts, and semantic search
 * in a tenant's collection (embed the query, then score it), optionally filtered by metadata, and
 * recommendations by example items or for a user. Used by the gateway and the
 * orchestrator; each call waits at most {@code timeout}. Each request names the reply partition
 * its {@link ReplyRouter} pinned it to, one this replica reads ({@code replyPartition}). A score request
 * goes to the partition of its collection ({@link CollectionPartition}), where the scorer replica holding
 * that collection's vectors reads it.
 */
public class KnowledgeClient {

    /** The in-process embedding model of the embedding-worker. */
    public static final String EMBEDDING_MODEL = "all-minilm-l6-v2";

    private final FleetPublisher publisher;
    private final ReplyRouter<EmbeddingResult> embeddings;
    private final ReplyRouter<ScoreResult> scores;
    private final String instanceId;
    private final Duration timeout;

    public KnowledgeClient(FleetPublisher publisher, ReplyRouter<EmbeddingResult> embeddings,
            ReplyRouter<ScoreResult> scores, String instanceId, Duration timeout) {
        this.publisher = publisher;
        this.embeddings = embeddings;
        this.scores = scores;
        this.instanceId = instanceId;
        this.timeout = timeout;
    }

    /** Wires a client to this replica's share of the reply topics. */
    public static KnowledgeClient create(ReplyConsumers replies, FleetPublisher publisher,
            FleetKafkaProperties properties, Duration timeout) {
        return new KnowledgeClient(publisher, replies.router(FleetTopics.EMBEDDING_REPLIES, reply -> true),
                replies.router(FleetTopics.SCORE_REPLIES, reply -> true), properties.instanceId(), timeout);
    }

    /**
     * Embeddings of {@code inputs}, in order; fails with {@link RemoteFailureException}, a timeout, or
     * {@link ReplyPartitionUnavailableException} (retryable) when this replica cannot read the reply.
     */
    public Mono<EmbeddingResult> embed(List<String> inputs, EventContext context) {
        return Mono.defer(() -> {
            String requestId = UUID.randomUUID().toString();
            ReplyRouter.Registration<EmbeddingResult> registration = embeddings.register(requestId);
            EmbeddingRequested request = EmbeddingRequested.newBuilder()
                    .setRequestId(requestId)
                    .setTenantId(context.tenantId())
                    .setModel(EMBEDDING_MODEL)
                    .setInputs(inputs)
                    .setReplyTo(instanceId)
                    .setReplyPartition(registration.partition())
                    .setRequestedAt(Instant.now())
                    .build();
            Mono<EmbeddingResult> reply = registration.replies().next();
            return publisher.send(FleetTopics.EMBEDDING_REQUESTS, requestId, request, context)
                    .doOnError(e -> embeddings.forget(requestId))
                    .then(reply)
                    .timeout(timeout)
                    .flatMap(result -> result.getError() != null
                            ? Mono.error(new RemoteFailureException(result.getError()))
                            : Mono.just(result));
        });
    }

    /** The {@code topK} items of {@code collection} nearest to {@code query}, best first. */
    public Mono<ScoreResult> search(String collection, String query, int topK, EventContext context) {
        return search(collection, query, topK, Map.of(), context);
    }

    /**
     * The {@code topK} items of {@code collection} nearest to {@code query} among those whose metadata
     * passes {@code filter} (key → allowed values), best first.
     */
    public Mono<ScoreResult> search(String collection, String query, int topK, Map<String, List<String>> filter,
            EventContext context) {
        return embed(List.of(query), context).flatMap(embedded -> {
            List<Float> vector = embedded.getVectors().stream().findFirst().map(EmbeddingVector::getValues)
                    .orElse(List.of());
            return score(collection, vector, topK, filter, context.next());
        });
    }

    /** The {@code topK} items of {@code collection} nearest to {@code vector}. */
    public Mono<ScoreResult> score(String collection, List<Float> vector, int topK, EventContext context) {
        return score(collection, vector, topK, Map.of(), context);
    }

    /** The {@code topK} items of {@code collection} nearest to {@code vector} that pass {@code filter}. */
    public Mono<ScoreResult> score(String collection, List<Float> vector, int topK, Map<String, List<String>> filter,
            EventContext context) {
        return ask(collection, topK, filter, context, request -> request.setQueryVector(vector));
    }

    /**
     * The {@code topK} items of {@code collection} most like the {@code positive} example items and least
     * like the {@code negative} ones (the examples excluded) that pass {@code filter}, best first.
     */
    public Mono<ScoreResult> recommend(String collection, List<String> positive, List<String> negative, int topK,
            Map<String, List<String>> filter, EventContext context) {
        return ask(collection, topK, filter, context, request -> request.setQueryVector(List.of())
                .setRecommend(new RecommendExamples(positive, negative)));
    }

    /**
     * The {@code topK} items of {@code collection} closest to {@code user}'s profile (built by the scorer from
     * {@code fleet.interactions.v1}), without the items the user interacted with if {@code excludeSeen}, that
     * pass {@code filter}, best first; none for a user the scorer has no interactions of.
     */
    public Mono<ScoreResult> recommendForUser(String collection, String user, boolean excludeSeen, int topK,
            Map<String, List<String>> filter, EventContext context) {
        return ask(collection, topK, filter, context, request -> request.setQueryVector(List.of()).setUser(user)
                .setExcludeSeen(excludeSeen));
    }

    /** Sends a score request ({@code query} sets what to score by) and awaits its result. */
    private Mono<ScoreResult> ask(String collection, int topK, Map<String, List<String>> filter, EventContext context,
            Consumer<ScoreRequested.Builder> query) {
        return Mono.defer(() -> {
            String requestId = UUID.randomUUID().toString();
            ReplyRouter.Registration<ScoreResult> registration = scores.register(requestId);
            ScoreRequested.Builder builder = ScoreRequested.newBuilder()
                    .setRequestId(requestId)
                    .setTenantId(context.tenantId())
                    .setCollection(collection)
                    .setTopK(topK)
                    .setFilter(filter)
                    .setReplyTo(instanceId)
                    .setReplyPartition(registration.partition())
                    .setRequestedAt(Instant.now());
            query.accept(builder);
            ScoreRequested request = builder.build();
            Mono<ScoreResult> reply = registration.replies().next();
            // co-partitioned (decision 0034): the scorer replica that holds the collection's vectors reads
            // the score-requests partition with the same number
            int partition = CollectionPartition.of(context.tenantId(), collection,
                    FleetTopics.ITEM_VECTORS.partitions());
            return publisher.inOrder().send(FleetTopics.SCORE_REQUESTS, partition, requestId, request, context)
                    .doOnError(e -> scores.forget(requestId))
                    .then(reply)
                    .timeout(timeout)
                    .flatMap(result -> result.getError() != null
                            ? Mono.error(new RemoteFailureException(result.getError()))
                            : Mono.just(result));
        });
    }
}
