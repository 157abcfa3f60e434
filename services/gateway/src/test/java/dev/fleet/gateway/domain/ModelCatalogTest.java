package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ModelCatalogTest {

    @Test
    void listsExtractiveThenEmbeddingThenConfiguredChatModelsWithoutDuplicates() {
        // when
        ModelCatalog catalog = new ModelCatalog("all-minilm-l6-v2",
                List.of(" gpt-4o-mini ", "", "extractive", "llama3", "gpt-4o-mini", "all-minilm-l6-v2"));
        // then
        assertThat(catalog.ids()).containsExactly("extractive", "all-minilm-l6-v2", "gpt-4o-mini", "llama3");
    }

    @Test
    void tellsChatModelsFromTheEmbeddingModel() {
        ModelCatalog catalog = new ModelCatalog("all-minilm-l6-v2", List.of("llama3"));

        assertThat(catalog.isChatModel("extractive")).isTrue();
        assertThat(catalog.isChatModel("llama3")).isTrue();
        assertThat(catalog.isChatModel("all-minilm-l6-v2")).isFalse();
        assertThat(catalog.isChatModel("gpt-5")).isFalse();
        assertThat(catalog.isEmbeddingModel("all-minilm-l6-v2")).isTrue();
        assertThat(catalog.isEmbeddingModel("llama3")).isFalse();
    }

    @Test
    void offersAnAliasAsAChatModelFromItsDefinitionUntilItsRemoval() {
        ModelCatalog catalog = new ModelCatalog("all-minilm-l6-v2", List.of("llama3"));

        catalog.applyAlias("chat-fast", true);
        catalog.applyAlias("chat-best", true);

        assertThat(catalog.isChatModel("chat-fast")).isTrue();
        assertThat(catalog.contains("chat-fast")).isTrue();
        assertThat(catalog.ids()).containsExactly("extractive", "all-minilm-l6-v2", "llama3", "chat-best", "chat-fast");

        catalog.applyAlias("chat-fast", false);

        assertThat(catalog.isChatModel("chat-fast")).isFalse();
        assertThat(catalog.ids()).containsExactly("extractive", "all-minilm-l6-v2", "llama3", "chat-best");
    }
}
