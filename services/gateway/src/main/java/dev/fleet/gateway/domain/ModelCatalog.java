package dev.fleet.gateway.domain;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The models this gateway offers: the extractive chat default (answers from the tenant's
 * collection, always there), the in-process embedding model, the chat models the operator
 * configured (routed by the orchestrator to an OpenAI-compatible provider), and the model aliases
 * the admin API defined (mirrored from {@code fleet.model-aliases.v1}; they come and go at run time).
 * <p>
 * Limits: the configured models are static per deployment; the orchestrator still decides how a
 * chat model or alias is served (and may fall back to another). Thread-safe.
 */
public final class ModelCatalog {

    /** The built-in chat model that answers extractively from a knowledge collection. */
    public static final String EXTRACTIVE = "extractive";

    private final String embeddingModel;
    private final Set<String> chatModels;
    private final List<String> ids;
    private final Set<String> aliases = new ConcurrentSkipListSet<>();

    public ModelCatalog(String embeddingModel, List<String> configuredChatModels) {
        this.embeddingModel = embeddingModel;
        Set<String> chat = new LinkedHashSet<>();
        chat.add(EXTRACTIVE);
        for (String model : configuredChatModels) {
            String id = model == null ? "" : model.trim();
            if (!id.isEmpty() && !id.equals(embeddingModel)) {
                chat.add(id);
            }
        }
        List<String> all = new ArrayList<>();
        all.add(EXTRACTIVE);
        all.add(embeddingModel);
        chat.stream().filter(id -> !id.equals(EXTRACTIVE)).forEach(all::add);
        this.chatModels = Set.copyOf(chat);
        this.ids = List.copyOf(all);
    }

    /**
     * Every model id, in listing order: extractive, the embedding model, the configured chat models,
     * then the aliases by name.
     */
    public List<String> ids() {
        if (aliases.isEmpty()) {
            return ids;
        }
        List<String> all = new ArrayList<>(ids);
        aliases.stream().filter(alias -> !ids.contains(alias)).forEach(all::add);
        return List.copyOf(all);
    }

    public boolean isChatModel(String id) {
        return id != null && (chatModels.contains(id) || aliases.contains(id));
    }

    /** A model alias was defined ({@code defined}) or removed: the chat requests naming it are accepted or not. */
    public void applyAlias(String alias, boolean defined) {
        if (defined) {
            aliases.add(alias);
        } else {
            aliases.remove(alias);
        }
    }

    public boolean isEmbeddingModel(String id) {
        return embeddingModel.equals(id);
    }

    public boolean contains(String id) {
        return isChatModel(id) || isEmbeddingModel(id);
    }

    public String embeddingModel() {
        return embeddingModel;
    }
}
