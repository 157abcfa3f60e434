package dev.fleet.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.EmbeddingVector;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.ResponseAction;
import dev.fleet.events.v1.ResponseLookup;
import dev.fleet.events.v1.ResponseLookupResult;
import dev.fleet.events.v1.StoredResponse;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.schemas.FleetTopics;

/**
 * The orchestrator and the embedding-worker, faked for gateway tests: a thread that reads
 * {@code fleet.chat.requests.v1} and {@code fleet.embedding.requests.v1} from their current end and
 * answers every request on the reply topics, as the real services would (ChatChunks with usage;
 * one vector per input). Like the orchestrator, it keeps the responses of Responses API requests
 * with {@code store} (per tenant, in memory) and answers {@code fleet.responses.lookups.v1} from
 * them. It keeps what it received, so a test can check what reached Kafka.
 * Close it when done; it stops within a poll interval.
 */
public final class FakeFleet implements AutoCloseable {

    /** The vector every input is embedded to. */
    public static final List<Float> VECTOR = List.of(0.25f, -1.5f, 3.0f);

    private final Function<ChatRequested, List<String>> answer;
    private final List<ChatRequested> chatRequests = new CopyOnWriteArrayList<>();
    private final List<EmbeddingRequested> embeddingRequests = new CopyOnWriteArrayList<>();
    private final List<ResponseLookup> responseLookups = new CopyOnWriteArrayList<>();
    /** Stored responses by tenant id + "/" + response id. */
    private final Map<String, StoredResponse> storedResponses = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private FakeFleet(Function<ChatRequested, List<String>> answer) {
        this.answer = answer;
        KafkaConsumer<String, SpecificRecord> consumer = GatewayKafkaFixture.consumer(new StringDeserializer(),
                GatewayKafkaFixture.SERDE.deserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        partitions.addAll(GatewayKafkaFixture.partitions(consumer, FleetTopics.CHAT_REQUESTS.name()));
        partitions.addAll(GatewayKafkaFixture.partitions(consumer, FleetTopics.EMBEDDING_REQUESTS.name()));
        partitions.addAll(GatewayKafkaFixture.partitions(consumer, FleetTopics.RESPONSE_LOOKUPS.name()));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start now, before any request of the test is sent
        this.thread = new Thread(() -> run(consumer), "fake-fleet");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts answering each chat request with the deltas {@code answer} gives for it; when it gives
     * null, it has replied itself (e.g. with error chunks).
     */
    public static FakeFleet start(Function<ChatRequested, List<String>> answer) {
        return new FakeFleet(answer);
    }

    public List<ChatRequested> chatRequests() {
        return List.copyOf(chatRequests);
    }

    public List<EmbeddingRequested> embeddingRequests() {
        return List.copyOf(embeddingRequests);
    }

    public List<ResponseLookup> responseLookups() {
        return List.copyOf(responseLookups);
    }

    private void run(KafkaConsumer<String, SpecificRecord> consumer) {
        try (consumer) {
            while (running.get()) {
                for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.value() instanceof ChatRequested chat) {
                        chatRequests.add(chat);
                        List<String> deltas = answer.apply(chat);
                        if (deltas != null) { // null: the answer function replied itself
                            store(chat, deltas); // before the last chunk, as the orchestrator does
                            GatewayKafkaFixture.reply(chat, deltas);
                        }
                    } else if (record.value() instanceof ResponseLookup lookup) {
                        responseLookups.add(lookup);
                        answer(lookup);
                    } else if (record.value() instanceof EmbeddingRequested embedding) {
                        embeddingRequests.add(embedding);
                        embed(embedding);
                    }
                }
            }
        }
    }

    /**
     * Answers {@code chat} with the model's tool calls ({@code toolCallsJson}, OpenAI's
     * {@code tool_calls} array) and finish reason {@code tool_calls}, storing the response first
     * when asked to, as the orchestrator does.
     */
    public void replyWithToolCalls(ChatRequested chat, String toolCallsJson) {
        store(chat, List.of(), toolCallsJson);
        ChatChunk calls = GatewayKafkaFixture.chunk(chat, 0, "", null);
        calls.setToolCallsJson(toolCallsJson);
        GatewayKafkaFixture.send(FleetTopics.CHAT_REPLIES, chat.getReplyPartition(), chat.getRequestId(), calls);
        ChatChunk last = GatewayKafkaFixture.chunk(chat, 1, "", FinishReason.TOOL_CALLS);
        last.setUsage(new TokenUsage(GatewayKafkaFixture.PROMPT_TOKENS, 1));
        GatewayKafkaFixture.send(FleetTopics.CHAT_REPLIES, chat.getReplyPartition(), chat.getRequestId(), last);
    }

    private void store(ChatRequested chat, List<String> deltas) {
        store(chat, deltas, null);
    }

    private void store(ChatRequested chat, List<String> deltas, String toolCallsJson) {
        if (chat.getResponse() == null || !chat.getResponse().getStore()) {
            return;
        }
        String instructions = chat.getResponse().getInstructions();
        List<ChatMessage> messages = chat.getMessages();
        storedResponses.put(chat.getTenantId() + "/" + chat.getResponse().getResponseId(), StoredResponse.newBuilder()
                .setResponseId(chat.getResponse().getResponseId())
                .setRequestId(chat.getRequestId())
                .setModel(chat.getModel())
                .setStatus("completed")
                .setCreatedAt(chat.getRequestedAt())
                .setInstructions(instructions)
                .setInput(List.copyOf(instructions == null ? messages : messages.subList(1, messages.size())))
                .setOutputText(String.join("", deltas))
                .setUsage(new TokenUsage(GatewayKafkaFixture.PROMPT_TOKENS, deltas.size()))
                .setPreviousResponseId(chat.getResponse().getPreviousResponseId())
                .setTemperature(chat.getTemperature())
                .setTopP(chat.getResponse().getTopP())
                .setMaxOutputTokens(chat.getMaxTokens())
                .setUser(chat.getResponse().getUser())
                .setMetadata(chat.getResponse().getMetadata())
                .setOutputToolCallsJson(toolCallsJson)
                .setToolsJson(chat.getResponse().getToolsJson())
                .setToolChoiceJson(chat.getResponse().getToolChoiceJson())
                .setTextFormatJson(chat.getResponse().getTextFormatJson())
                .build());
    }

    private void answer(ResponseLookup lookup) {
        String key = lookup.getTenantId() + "/" + lookup.getResponseId();
        ResponseLookupResult.Builder result = ResponseLookupResult.newBuilder().setRequestId(lookup.getRequestId())
                .setResponse(null).setDeleted(false).setError(null);
        StoredResponse found = switch (lookup.getAction()) {
            case RETRIEVE -> storedResponses.get(key);
            case DELETE -> storedResponses.remove(key);
        };
        if (found == null) {
            result.setError(new ReplyError(ErrorType.NOT_FOUND_ERROR, ErrorCode.INVALID_REQUEST,
                    "Response with id '" + lookup.getResponseId() + "' not found."));
        } else if (lookup.getAction() == ResponseAction.DELETE) {
            result.setDeleted(true);
        } else {
            result.setResponse(found);
        }
        GatewayKafkaFixture.send(FleetTopics.RESPONSE_LOOKUP_RESULTS, lookup.getReplyPartition(), lookup.getRequestId(),
                result.build());
    }

    private static void embed(EmbeddingRequested request) {
        List<EmbeddingVector> vectors = new ArrayList<>();
        for (int i = 0; i < request.getInputs().size(); i++) {
            vectors.add(new EmbeddingVector(i, VECTOR));
        }
        GatewayKafkaFixture.send(FleetTopics.EMBEDDING_REPLIES, request.getReplyPartition(), request.getRequestId(), EmbeddingResult.newBuilder()
                .setRequestId(request.getRequestId()).setModel(request.getModel())
                .setPromptTokens(request.getInputs().size() * 2).setVectors(vectors).build());
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(Duration.ofSeconds(5).toMillis());
    }
}
