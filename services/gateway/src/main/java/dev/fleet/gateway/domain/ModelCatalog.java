package dev.fleet.gateway.domain;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The models this gateway offers: the extractive chat default (answers from the tenant's
 * collection, always there), the in-process embedding model, and the chat models the operator
 * configured (routed by the orchestrator to an OpenAI-compatible provider).
 * <p>
 * Limits: the list is static per deployment; the orchestrator still decides how a chat model is
 * served (and may fall back to another).
 */
public final class ModelCatalog {

    /** The built-in chat model that answers extractively from a knowledge collection. */
    public static final String EXTRACTIVE = "extractive";

    private final String embeddingModel;
    private final Set<String> chatModels;
    private final List<String> ids;

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

    /** Every model id, in listing order: extractive, the embedding model, then the configured chat models. */
    public List<String> ids() {
        return ids;
    }

    public boolean isChatModel(String id) {
        return id != null && chatModels.contains(id);
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
