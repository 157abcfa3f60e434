package dev.fleet.orchestrator.domain;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ModelFallbackUsed;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.schemas.OpenAiNames;

import reactor.core.publisher.Flux;

/**
 * Carries out a {@link RoutePlan}: tries its targets in order until one answers. A target that fails
 * <em>before it streamed any text</em> (after its provider's own retries) in a way another target may
 * not ({@link ProviderFailure#fallsBack()}: unreachable, timed out, 5xx, 429, circuit open, wrong key
 * or model) hands over to the next target, and a {@code ModelFallbackUsed} event says so — once per
 * hand-over, under an event id derived from the request id and the failed target's index, so a
 * redelivered request publishes the same event. A failure after text, or one that is the request's
 * own fault (400), ends the stream with that failure: repeating text the client already has, or
 * sending a refused request elsewhere, would be wrong.
 * <p>
 * When every target failed, the client is told the most relevant failure: 429 if every target was
 * rate limited, otherwise the last target's. A target no provider serves counts as failed with
 * {@code model_not_found}. Each target tried is announced by a {@link ProviderChunk#serving} marker, just before
 * it is called (so a target that fails before any text was still reached).
 * <p>
 * Provider names: a target naming a provider is served by that provider only; a target with the
 * empty provider by the first configured provider serving the model name.
 */
public final class ChatRouter {

    private static final Logger log = LoggerFactory.getLogger(ChatRouter.class);

    private final Map<String, List<ChatProvider>> byModel;
    private final Clock clock;
    private final String producedBy;

    /** A router whose events say they were produced by the orchestrator, at the system clock's time. */
    public ChatRouter(List<ChatProvider> providers) {
        this(providers, Clock.systemUTC(), "orchestrator");
    }

    public ChatRouter(List<ChatProvider> providers, Clock clock, String producedBy) {
        Map<String, List<ChatProvider>> map = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (ChatProvider provider : providers) {
            if (!names.add(provider.name())) {
                throw new IllegalStateException("two providers are named '" + provider.name() + "'");
            }
            for (String model : provider.models()) {
                map.computeIfAbsent(model, m -> new ArrayList<>()).add(provider);
            }
        }
        map.replaceAll((model, serving) -> List.copyOf(serving));
        this.byModel = Collections.unmodifiableMap(map);
        this.clock = clock;
        this.producedBy = producedBy;
    }

    /** The answer to {@code request} along {@code plan}: its first target that answers, falling back as above. */
    public Flux<ProviderChunk> stream(RoutePlan plan, ChatRequested request, ChatExchange exchange) {
        return attempt(plan, 0, request, exchange, new ArrayList<>());
    }

    private Flux<ProviderChunk> attempt(RoutePlan plan, int index, ChatRequested request, ChatExchange exchange,
            List<ChatFailure> failures) {
        ModelTarget target = plan.targets().get(index);
        AtomicBoolean texted = new AtomicBoolean();
        // the marker goes first, before the call: a target that fails before any text was still called (billed 0)
        Flux<ProviderChunk> answer = provider(target)
                .map(provider -> Flux.just(ProviderChunk.serving(target))
                        .concatWith(Flux.defer(() -> provider.stream(asTarget(request, target), exchange))))
                .orElseGet(() -> Flux.error(ChatFailure.modelNotFound(target.getModel())));
        return answer
                .doOnNext(piece -> {
                    if (piece.delivers()) {
                        texted.set(true);
                    }
                })
                .onErrorResume(error -> {
                    if (!(error instanceof ChatFailure failure)) {
                        return Flux.error(error); // a bug, not the target's trouble: reported as it is
                    }
                    failures.add(failure);
                    boolean last = index + 1 >= plan.targets().size();
                    if (texted.get() || last || !fallsBack(failure)) {
                        return Flux.error(texted.get() || !fallsBack(failure) ? failure : mostRelevant(plan, failures));
                    }
                    ModelTarget next = plan.targets().get(index + 1);
                    log.info("request {}: target {}/{} failed ({}), falling back to {}/{}", request.getRequestId(),
                            target.getProvider(), target.getModel(), failure.getMessage(), next.getProvider(),
                            next.getModel());
                    return exchange.event(fallbackUsed(request, plan, index, failure, next))
                            .thenMany(Flux.defer(() -> attempt(plan, index + 1, request, exchange, failures)));
                });
    }

    private static boolean fallsBack(ChatFailure failure) {
        if (failure instanceof ProviderFailure provider) {
            return provider.fallsBack();
        }
        return failure.code() == ErrorCode.MODEL_NOT_FOUND;
    }

    /**
     * The failure the client hears when every target failed: a rate limit (429) only when every target
     * was rate limited, otherwise the last failure that was neither a rate limit nor "no such model";
     * "no such model" for the requested name when no target was served at all.
     */
    private static ChatFailure mostRelevant(RoutePlan plan, List<ChatFailure> failures) {
        List<ChatFailure> served = failures.stream().filter(f -> f.code() != ErrorCode.MODEL_NOT_FOUND).toList();
        if (served.isEmpty()) {
            return ChatFailure.modelNotFound(plan.requestedModel());
        }
        List<ChatFailure> notRateLimited = served.stream().filter(f -> !rateLimited(f)).toList();
        ChatFailure chosen = notRateLimited.isEmpty() ? served.get(served.size() - 1)
                : notRateLimited.get(notRateLimited.size() - 1);
        return failures.size() == 1 ? chosen : new ChatFailure(chosen.type(), chosen.code(), chosen.getMessage()
                + " (all " + failures.size() + " targets of '" + plan.requestedModel() + "' failed)");
    }

    private static boolean rateLimited(ChatFailure failure) {
        return failure instanceof ProviderFailure provider && provider.cause() == ProviderFailure.Cause.RATE_LIMITED;
    }

    private DomainEvent fallbackUsed(ChatRequested request, RoutePlan plan, int failedIndex, ChatFailure failure,
            ModelTarget next) {
        ModelTarget failed = plan.targets().get(failedIndex);
        String errorCode = failure instanceof ProviderFailure provider ? provider.openAiCode()
                : OpenAiNames.of(failure.code());
        ModelFallbackUsed payload = ModelFallbackUsed.newBuilder()
                .setRequestId(request.getRequestId())
                .setRequestedModel(plan.requestedModel())
                .setUsedModel(next.getModel())
                .setReason(failed.getModel() + ": " + failure.getMessage())
                .setFailedProvider(providerName(failed))
                .setUsedProvider(providerName(next))
                .setErrorCode(errorCode)
                .build();
        return DomainEvents.of(clock, producedBy, request.getTenantId(),
                EventIds.derive(request.getRequestId(), "fallback/" + failedIndex),
                DomainEvents.requestSubject(request.getRequestId()), payload);
    }

    /** The provider named by {@code target}, or the one that would serve it; null when none does. */
    private String providerName(ModelTarget target) {
        return provider(target).map(ChatProvider::name).orElse(
                target.getProvider().isEmpty() ? null : target.getProvider());
    }

    /** The request as {@code target} is to receive it: its model name replaced by the target's. */
    private static ChatRequested asTarget(ChatRequested request, ModelTarget target) {
        return target.getModel().equals(request.getModel()) ? request
                : ChatRequested.newBuilder(request).setModel(target.getModel()).build();
    }

    /** Whether some provider answers {@code target} (an empty provider name matches any provider). */
    public boolean serves(ModelTarget target) {
        return provider(target).isPresent();
    }

    private Optional<ChatProvider> provider(ModelTarget target) {
        List<ChatProvider> serving = byModel.getOrDefault(target.getModel(), List.of());
        return serving.stream()
                .filter(p -> RoutePlan.ANY_PROVIDER.equals(target.getProvider()) || p.name().equals(target.getProvider()))
                .findFirst();
    }

    /** The provider serving {@code model} under its name alone (the first configured one). */
    public Optional<ChatProvider> route(String model) {
        return Optional.ofNullable(model).map(m -> byModel.getOrDefault(m, List.of())).filter(l -> !l.isEmpty())
                .map(l -> l.get(0));
    }

    public Set<String> models() {
        return byModel.keySet();
    }
}
