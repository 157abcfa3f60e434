package dev.fleet.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.platform.tokens.TokenCounter;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The hook experiments need from {@link ChatService}: the plan and how the request ended, once, after
 * the last chunk.
 */
class ChatServiceRouteOutcomeTest {

    private final RecordingExchange exchange = new RecordingExchange();
    private final List<String> told = new CopyOnWriteArrayList<>();

    @Test
    void tellsTheRoutesHowARequestEndedWithItsPlanTokensAndFirstText() {
        ChatService service = service(request -> Flux.just(ProviderChunk.text("Hello"), ProviderChunk.text(" you")));
        ChatRequested request = ChatServiceTest.request("alias-1", "hi");

        service.complete(request, exchange).block();

        assertThat(told).containsExactly("alias-1 -> model-b: succeeded=true completion=2 error=null firstText=true "
                + "chunks-before=3");
    }

    @Test
    void tellsTheRoutesAFailureWithItsErrorCodeAndNoTokens() {
        ChatService service = service(request -> Flux.error(ChatFailure.providerUnavailable("down")));

        service.complete(ChatServiceTest.request("alias-1", "hi"), exchange).block();

        assertThat(told).containsExactly("alias-1 -> model-b: succeeded=false completion=0 error=provider_unavailable "
                + "firstText=false chunks-before=1");
    }

    /** Routes every model to model-b and notes what its routes were told (and the chunks published by then). */
    private ChatService service(java.util.function.Function<ChatRequested, Flux<ProviderChunk>> answer) {
        ChatProvider provider = new ChatProvider() {
            @Override
            public String name() {
                return "fixed";
            }

            @Override
            public Set<String> models() {
                return Set.of("model-b");
            }

            @Override
            public Flux<ProviderChunk> stream(ChatRequested request, ChatExchange exchange) {
                return answer.apply(request);
            }
        };
        ModelRoutes routes = new ModelRoutes() {
            @Override
            public Mono<RoutePlan> plan(ChatRequested request) {
                return Mono.just(new RoutePlan(request.getModel(), List.of(new ModelTarget("fixed", "model-b")),
                        null));
            }

            @Override
            public Mono<Void> finished(RoutePlan plan, ChatRequested request, RouteOutcome outcome,
                    ChatExchange exchange) {
                return Mono.fromRunnable(() -> told.add(plan.requestedModel() + " -> "
                        + plan.targets().get(0).getModel() + ": succeeded=" + outcome.succeeded()
                        + " completion=" + outcome.completionTokens() + " error=" + outcome.errorCode()
                        + " firstText=" + (outcome.firstTextAt() != null
                                && !outcome.firstTextAt().isAfter(outcome.finishedAt()))
                        + " chunks-before=" + ChatServiceRouteOutcomeTest.this.exchange.chunks.size()));
            }
        };
        ProcessedRequests processed = new ProcessedRequests() {
            @Override
            public Mono<Boolean> isCompleted(String requestId) {
                return Mono.just(false);
            }

            @Override
            public Mono<Boolean> settle(ChatRequested request, ChatOutcome outcome, ChatSettlement settlement) {
                return settlement.sendThroughExchange().thenReturn(true);
            }
        };
        return new ChatService(new ChatRouter(List.of(provider)), processed, TokenCounter.cl100k(),
                Clock.systemUTC(), "orchestrator", Duration.ofSeconds(5), ChatContext.NONE, routes);
    }
}
