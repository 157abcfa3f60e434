package dev.fleet.orchestrator.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ModelTarget;

import reactor.core.publisher.Flux;

/**
 * Carries out a {@link RoutePlan}: finds the provider serving each target and streams its answer.
 * Limits: only the plan's first target is tried (no fallback yet), and a target's provider name
 * is not checked — the provider serving the model name answers.
 */
public final class ChatRouter {

    private final Map<String, ChatProvider> byModel;

    public ChatRouter(List<ChatProvider> providers) {
        Map<String, ChatProvider> map = new LinkedHashMap<>();
        for (ChatProvider provider : providers) {
            for (String model : provider.models()) {
                if (map.putIfAbsent(model, provider) != null) {
                    throw new IllegalStateException("model '" + model + "' is served by two providers");
                }
            }
        }
        this.byModel = Collections.unmodifiableMap(map);
    }

    /**
     * The answer to {@code request} along {@code plan}: first a {@link ProviderChunk#serving} marker
     * naming the target, then that target's pieces.
     */
    public Flux<ProviderChunk> stream(RoutePlan plan, ChatRequested request, ChatExchange exchange) {
        ModelTarget target = plan.targets().get(0);
        return route(target.getModel())
                .map(provider -> Flux.just(ProviderChunk.serving(target))
                        .concatWith(Flux.defer(() -> provider.stream(asTarget(request, target), exchange))))
                .orElseGet(() -> Flux.error(ChatFailure.modelNotFound(plan.requestedModel())));
    }

    /** The request as {@code target} is to receive it: its model name replaced by the target's. */
    private static ChatRequested asTarget(ChatRequested request, ModelTarget target) {
        return target.getModel().equals(request.getModel()) ? request
                : ChatRequested.newBuilder(request).setModel(target.getModel()).build();
    }

    /** Whether some provider answers {@code target} (an empty provider name matches any provider). */
    public boolean serves(ModelTarget target) {
        ChatProvider provider = byModel.get(target.getModel());
        return provider != null && (RoutePlan.ANY_PROVIDER.equals(target.getProvider())
                || provider.name().equals(target.getProvider()));
    }

    public Optional<ChatProvider> route(String model) {
        return Optional.ofNullable(model).map(byModel::get);
    }

    public Set<String> models() {
        return byModel.keySet();
    }
}
