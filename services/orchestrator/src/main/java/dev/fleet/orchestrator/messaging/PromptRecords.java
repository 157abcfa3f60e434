package dev.fleet.orchestrator.messaging;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.fleet.events.v1.Prompt;
import dev.fleet.events.v1.PromptVersion;
import dev.fleet.orchestrator.domain.prompts.PromptConfig;

/** A prompt's state as the {@code fleet.prompts.v1} record, and back. */
final class PromptRecords {

    private PromptRecords() {
    }

    static Prompt toRecord(PromptConfig prompt) {
        return Prompt.newBuilder()
                .setTenantId(prompt.tenantId())
                .setName(prompt.name())
                .setVersions(prompt.versions().stream()
                        .map(v -> new PromptVersion(v.number(), v.template(), v.createdAt()))
                        .toList())
                .setLabels(new LinkedHashMap<>(prompt.labels()))
                .setUpdatedAt(prompt.updatedAt())
                .build();
    }

    static PromptConfig fromRecord(Prompt prompt) {
        Map<String, Integer> labels = new LinkedHashMap<>(prompt.getLabels());
        return new PromptConfig(prompt.getTenantId(), prompt.getName(), prompt.getVersions().stream()
                .map(v -> new PromptConfig.Version(v.getVersion(), v.getTemplate(), v.getCreatedAt()))
                .toList(), labels, prompt.getUpdatedAt());
    }
}
