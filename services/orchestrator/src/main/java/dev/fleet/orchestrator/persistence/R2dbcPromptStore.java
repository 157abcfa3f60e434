package dev.fleet.orchestrator.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.orchestrator.domain.prompts.PromptConfig;
import dev.fleet.orchestrator.domain.prompts.PromptStore;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Prompts in {@code orchestrator.prompts}, {@code prompt_versions} and {@code prompt_labels}. */
@Repository
public class R2dbcPromptStore implements PromptStore {

    private final DatabaseClient db;

    public R2dbcPromptStore(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<PromptConfig> lock(UUID tenantId, String name, Instant now) {
        return db.sql("""
                INSERT INTO orchestrator.prompts (tenant_id, name, created_at, updated_at)
                VALUES (:tenantId, :name, :now, :now)
                ON CONFLICT (tenant_id, name) DO UPDATE SET updated_at = EXCLUDED.updated_at""")
                .bind("tenantId", tenantId)
                .bind("name", name)
                .bind("now", now)
                .then()
                .then(load(tenantId, name, now));
    }

    @Override
    public Mono<PromptConfig> find(UUID tenantId, String name) {
        return db.sql("SELECT updated_at FROM orchestrator.prompts WHERE tenant_id = :tenantId AND name = :name")
                .bind("tenantId", tenantId)
                .bind("name", name)
                .map(row -> row.get("updated_at", Instant.class))
                .one()
                .flatMap(updatedAt -> load(tenantId, name, updatedAt))
                .filter(prompt -> !prompt.versions().isEmpty());
    }

    @Override
    public Flux<String> names(UUID tenantId) {
        return db.sql("""
                SELECT p.name FROM orchestrator.prompts p
                WHERE p.tenant_id = :tenantId AND EXISTS (SELECT 1 FROM orchestrator.prompt_versions v
                    WHERE v.tenant_id = p.tenant_id AND v.name = p.name)
                ORDER BY p.name""")
                .bind("tenantId", tenantId)
                .map(row -> row.get("name", String.class))
                .all();
    }

    private Mono<PromptConfig> load(UUID tenantId, String name, Instant updatedAt) {
        Mono<List<PromptConfig.Version>> versions = db.sql("""
                SELECT version, template, created_at FROM orchestrator.prompt_versions
                WHERE tenant_id = :tenantId AND name = :name ORDER BY version""")
                .bind("tenantId", tenantId)
                .bind("name", name)
                .map(row -> new PromptConfig.Version(row.get("version", Integer.class),
                        row.get("template", String.class), row.get("created_at", Instant.class)))
                .all()
                .collectList();
        Mono<Map<String, Integer>> labels = db.sql("""
                SELECT label, version FROM orchestrator.prompt_labels WHERE tenant_id = :tenantId AND name = :name""")
                .bind("tenantId", tenantId)
                .bind("name", name)
                .map(row -> Map.entry(row.get("label", String.class), row.get("version", Integer.class)))
                .all()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return versions.zipWith(labels,
                (v, l) -> new PromptConfig(tenantId.toString(), name, v, l, updatedAt));
    }

    @Override
    public Mono<Void> insertLatestVersion(UUID tenantId, PromptConfig config) {
        PromptConfig.Version latest = config.latest();
        Mono<Void> version = db.sql("""
                INSERT INTO orchestrator.prompt_versions (tenant_id, name, version, template, created_at)
                VALUES (:tenantId, :name, :version, :template, :createdAt)""")
                .bind("tenantId", tenantId)
                .bind("name", config.name())
                .bind("version", latest.number())
                .bind("template", latest.template())
                .bind("createdAt", latest.createdAt())
                .then();
        return version.thenMany(reactor.core.publisher.Flux.fromIterable(config.labelsOf(latest.number()))
                .concatMap(label -> saveLabel(tenantId, config, label))).then();
    }

    @Override
    public Mono<Void> saveLabel(UUID tenantId, PromptConfig config, String label) {
        return db.sql("""
                INSERT INTO orchestrator.prompt_labels (tenant_id, name, label, version, updated_at)
                VALUES (:tenantId, :name, :label, :version, :now)
                ON CONFLICT (tenant_id, name, label) DO UPDATE SET version = EXCLUDED.version,
                    updated_at = EXCLUDED.updated_at""")
                .bind("tenantId", tenantId)
                .bind("name", config.name())
                .bind("label", label)
                .bind("version", config.labels().get(label))
                .bind("now", config.updatedAt())
                .then();
    }
}
