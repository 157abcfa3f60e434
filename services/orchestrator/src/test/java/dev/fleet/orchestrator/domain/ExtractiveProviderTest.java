package dev.fleet.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.schemas.ChatMessages;

import reactor.core.publisher.Mono;

class ExtractiveProviderTest {

    private final ExtractiveProvider provider = new ExtractiveProvider(new ExtractiveAnswer(0.05),
            new ReplyChunker(1), "default", 3);

    @Test
    void answersTheLastUserMessageFromTheNamedCollectionWordByWord() {
        // given
        RecordingExchange exchange = new RecordingExchange((collection, query) -> Mono.just(List.of(
                new ScoredItem("a", 0.9, "Partitions order records.", Map.of()))));
        ChatRequested request = ChatServiceTest.request(ExtractiveProvider.MODEL, "ignored");
        request.setMessages(List.of(ChatMessages.text(ChatRole.USER, "first question"),
                ChatMessages.text(ChatRole.ASSISTANT, "an answer"),
                ChatMessages.text(ChatRole.USER, "what orders records?")));
        request.setMetadata(Map.of("collection", "kafka-docs"));

        // when
        List<ProviderChunk> chunks = provider.stream(request, exchange).collectList().block();

        // then
        assertThat(exchange.searches).containsExactly("kafka-docs:what orders records?:3");
        assertThat(chunks).extracting(ProviderChunk::text).containsExactly("Partitions", " order", " records.");
    }

    @Test
    void searchesTheDefaultCollectionWhenTheRequestNamesNone() {
        // given
        RecordingExchange exchange = new RecordingExchange();

        // when
        List<ProviderChunk> chunks = provider.stream(ChatServiceTest.request(ExtractiveProvider.MODEL, "q"), exchange)
                .collectList().block();

        // then
        assertThat(exchange.searches).containsExactly("default:q:3");
        assertThat(chunks.stream().map(ProviderChunk::text).reduce("", String::concat))
                .isEqualTo("No passage in collection 'default' matches the question.");
    }

    @Test
    void reportsASearchThatDoesNotAnswerAsProviderUnavailable() {
        // given
        RecordingExchange exchange = new RecordingExchange((collection, query) -> Mono.error(new TimeoutException()));

        // then
        assertThatThrownBy(() -> provider.stream(ChatServiceTest.request(ExtractiveProvider.MODEL, "q"), exchange)
                .blockLast(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ChatFailure.class,
                        f -> assertThat(f.code()).isEqualTo(ErrorCode.PROVIDER_UNAVAILABLE));
    }

    @Test
    void refusesARequestWithoutAUserMessage() {
        // given
        ChatRequested request = ChatServiceTest.request(ExtractiveProvider.MODEL, "q");
        request.setMessages(List.of(ChatMessages.text(ChatRole.SYSTEM, "be brief")));

        // then
        assertThatThrownBy(() -> provider.stream(request, new RecordingExchange()).blockLast())
                .isInstanceOfSatisfying(ChatFailure.class,
                        f -> assertThat(f.type()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR));
    }
}
