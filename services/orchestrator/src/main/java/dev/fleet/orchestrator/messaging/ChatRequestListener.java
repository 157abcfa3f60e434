package dev.fleet.orchestrator.messaging;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.support.Acknowledgment;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.orchestrator.domain.CanonicalUuid;
import dev.fleet.orchestrator.domain.ChatService;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.KnowledgeClient;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Consumes {@code fleet.chat.requests.v1} without holding a thread per chat: each request is handed
 * to {@link ConversationOrder} (one request of a conversation at a time, in order) and then
 * {@link ChatAdmission} (replica limit, per-tenant fairness), and the listener returns at once;
 * its offset is committed by {@link SettledOffsets} once its outcome, and that of every request
 * before it on the partition, is settled (see decision record 0021).
 * <p>
 * Errors: a record that cannot be decoded or lacks its ids fails in the listener and goes through
 * the fleet's error handler (retry, then {@code .dlq}). A chat whose handling fails (Kafka refused
 * the reply, the database is down, the deadline plus grace passed) is run again after the fleet's
 * retry back-off, as often as the error handler would, then dead-lettered through the same
 * recoverer and settled. If even the dead letter cannot be written, the offset stays uncommitted
 * and the request is redelivered after a restart or rebalance.
 */
public class ChatRequestListener {

    /** The listener container's id. */
    public static final String ID = "chat-requests";

    private static final Logger log = LoggerFactory.getLogger(ChatRequestListener.class);

    /** Time allowed, after the generation deadline, to get the last records acknowledged. */
    private static final Duration PUBLISH_GRACE = Duration.ofSeconds(30);

    private final ChatService chats;
    private final FleetPublisher publisher;
    private final KnowledgeClient knowledge;
    private final ChatAdmission admission;
    private final ConversationOrder conversations = new ConversationOrder();
    private final SettledOffsets offsets;
    private final ConsumerRecordRecoverer deadLetters;
    private final Retry retry;
    private final int concurrency;
    private final Duration timeout;

    /**
     * @param concurrency   consumers per instance
     * @param timeout       the generation deadline; a run is abandoned (and retried) {@link #PUBLISH_GRACE} after it
     * @param retryAttempts runs after the first before a failed chat is dead-lettered
     * @param retryBackoff  pause between those runs
     */
    ChatRequestListener(ChatService chats, FleetPublisher publisher, KnowledgeClient knowledge,
            ChatAdmission admission, SettledOffsets offsets, ConsumerRecordRecoverer deadLetters,
            int concurrency, Duration timeout, int retryAttempts, Duration retryBackoff) {
        this.chats = chats;
        this.publisher = publisher;
        this.knowledge = knowledge;
        this.admission = admission;
        this.offsets = offsets;
        this.deadLetters = deadLetters;
        this.concurrency = concurrency;
        this.timeout = timeout.plus(PUBLISH_GRACE);
        this.retry = Retry.fixedDelay(retryAttempts, retryBackoff).onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }

    @KafkaListener(id = ID, idIsGroup = false, containerFactory = "chatListenerFactory",
            topics = "#{T(dev.fleet.schemas.FleetTopics).CHAT_REQUESTS.name()}",
            concurrency = "#{__listener.concurrency}")
    public void on(ConsumerRecord<String, ChatRequested> record, Acknowledgment acknowledgment) {
        ChatRequested request = record.value();
        if (request.getRequestId().isBlank() || CanonicalUuid.parse(request.getTenantId()).isEmpty()) {
            // refused before any model call: its settlement (outbox rows keyed by tenant) could never commit, and
            // every retry would call the model and bill nothing (a gateway always sets its key's tenant UUID)
            throw new IllegalArgumentException("a ChatRequested needs a requestId and a tenant UUID as tenantId, not '"
                    + request.getTenantId() + "'");
        }
        Runnable settle = offsets.received(record, acknowledgment);
        String tenantId = request.getTenantId();
        conversations.submit(request.getConversationId(), conversationDone -> admission.submit(tenantId,
                () -> handle(record)
                        .doOnSuccess(done -> settle.run())
                        .doFinally(signal -> {
                            admission.finished(tenantId);
                            conversationDone.run();
                        })
                        .subscribeOn(Schedulers.parallel()) // off the consumer's thread; all of it non-blocking
                        .subscribe(done -> { }, error -> log.error("request {} of tenant {} is left unsettled: {}",
                                request.getRequestId(), tenantId, FleetHeaders.rootCause(error)))));
    }

    /** Answers the request, retrying a failed run; completes once the outcome is settled (answered or dead-lettered). */
    private Mono<Void> handle(ConsumerRecord<String, ChatRequested> record) {
        ChatRequested request = record.value();
        EventContext context = EventContext.causedBy(record.headers(), request.getTenantId());
        return Mono.defer(() -> chats.complete(request, new KafkaChatExchange(publisher, knowledge, context,
                        request.getReplyPartition())))
                .timeout(timeout)
                .retryWhen(retry)
                .doOnNext(outcome -> log.debug("request {} of tenant {} ({}): {}", request.getRequestId(),
                        request.getTenantId(), request.getModel(), outcome))
                .then()
                .onErrorResume(error -> deadLetter(record, error));
    }

    private Mono<Void> deadLetter(ConsumerRecord<String, ChatRequested> record, Throwable error) {
        Exception cause = error instanceof Exception e ? e : new IllegalStateException(error);
        log.warn("dead-lettering chat request {}-{}@{} after its retries: {}", record.topic(), record.partition(),
                record.offset(), FleetHeaders.rootCause(cause));
        return Mono.<Void>fromRunnable(() -> deadLetters.accept(record, cause))
                .subscribeOn(Schedulers.boundedElastic()); // waits for the broker's acknowledgement
    }

    /** Consumers per instance; read by the {@code @KafkaListener} above. */
    public int getConcurrency() {
        return concurrency;
    }
}
