package dev.fleet.orchestrator.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the provider serving a model name (exact match). Limits: one provider per model, no
 * fallback chain and no experiments yet — those belong here when model routes move to the database.
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

    public Optional<ChatProvider> route(String model) {
        return Optional.ofNullable(model).map(byModel::get);
    }

    public Set<String> models() {
        return byModel.keySet();
    }
}
