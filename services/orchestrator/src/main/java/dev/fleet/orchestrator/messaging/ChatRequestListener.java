package dev.fleet.orchestrator.messaging;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.orchestrator.config.FleetOrchestratorProperties;
import dev.fleet.orchestrator.domain.ChatOutcome;
import dev.fleet.orchestrator.domain.ChatService;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.KnowledgeClient;

/**
 * Consumes {@code fleet.chat.requests.v1} and answers each request before taking the next one on
 * that partition; the offset is committed after the reply, usage and events were acknowledged.
 * Parallelism is {@code fleet.orchestrator.chat.concurrency} consumers per instance (each handles
 * one request at a time), capped by the topic's partitions across all replicas.
 * A record that fails (e.g. Kafka refused the reply) is retried, then dead-lettered, by the
 * fleet's error handler; undecodable records go straight to the DLQ.
 */
@Component
public class ChatRequestListener {

    private static final Logger log = LoggerFactory.getLogger(ChatRequestListener.class);

    /** Time allowed, after the generation deadline, to get the last records acknowledged. */
    private static final Duration PUBLISH_GRACE = Duration.ofSeconds(30);

    private final ChatService chats;
    private final FleetPublisher publisher;
    private final KnowledgeClient knowledge;
    private final int concurrency;
    private final Duration timeout;

    public ChatRequestListener(ChatService chats, FleetPublisher publisher, KnowledgeClient knowledge,
            FleetOrchestratorProperties properties) {
        this.chats = chats;
        this.publisher = publisher;
        this.knowledge = knowledge;
        this.concurrency = properties.chat().concurrency();
        this.timeout = properties.chat().timeout().plus(PUBLISH_GRACE);
    }

    @KafkaListener(id = "chat-requests", idIsGroup = false,
            topics = "#{T(dev.fleet.schemas.FleetTopics).CHAT_REQUESTS.name()}",
            concurrency = "#{__listener.concurrency}")
    public void on(ConsumerRecord<String, ChatRequested> record) {
        ChatRequested request = record.value();
        if (request.getRequestId().isBlank() || request.getTenantId().isBlank()) {
            throw new IllegalArgumentException("a ChatRequested needs a requestId and a tenantId");
        }
        EventContext context = EventContext.causedBy(record.headers(), request.getTenantId());
        ChatOutcome outcome = chats.complete(request, new KafkaChatExchange(publisher, knowledge, context,
                request.getReplyPartition()))
                .block(timeout);
        log.debug("request {} of tenant {} ({}): {}", request.getRequestId(), request.getTenantId(),
                request.getModel(), outcome);
    }

    /** Consumers per instance; read by the {@code @KafkaListener} above. */
    public int getConcurrency() {
        return concurrency;
    }
}
