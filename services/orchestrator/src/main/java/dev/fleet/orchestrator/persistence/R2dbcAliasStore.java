package dev.fleet.orchestrator.persistence;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.ModelAlias;
import dev.fleet.orchestrator.domain.routing.AliasStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Aliases in {@code orchestrator.model_aliases}, each row the alias's whole state encoded as its
 * {@code fleet.model-aliases.v1} record (so old rows decode through the schema history like old
 * records do).
 */
@Repository
public class R2dbcAliasStore implements AliasStore {

    private final DatabaseClient db;
    private final FleetSerde serde;

    public R2dbcAliasStore(DatabaseClient db, FleetSerde serde) {
        this.db = db;
        this.serde = serde;
    }

    @Override
    public Mono<ModelAlias> lock(String alias) {
        return db.sql("SELECT config FROM orchestrator.model_aliases WHERE alias = :alias FOR UPDATE")
                .bind("alias", alias)
                .map(row -> decode(row.get("config", byte[].class)))
                .one();
    }

    @Override
    public Mono<ModelAlias> find(String alias) {
        return db.sql("SELECT config FROM orchestrator.model_aliases WHERE alias = :alias")
                .bind("alias", alias)
                .map(row -> decode(row.get("config", byte[].class)))
                .one();
    }

    @Override
    public Flux<ModelAlias> all() {
        return db.sql("SELECT config FROM orchestrator.model_aliases ORDER BY alias")
                .map(row -> decode(row.get("config", byte[].class)))
                .all();
    }

    @Override
    public Mono<Boolean> save(ModelAlias alias) {
        return db.sql("""
                INSERT INTO orchestrator.model_aliases (alias, config, updated_at) VALUES (:alias, :config, :updatedAt)
                ON CONFLICT (alias) DO UPDATE SET config = EXCLUDED.config, updated_at = EXCLUDED.updated_at
                RETURNING (xmax = 0) AS created""")
                .bind("alias", alias.getAlias())
                .bind("config", serde.serialize(FleetTopics.MODEL_ALIASES.name(), alias))
                .bind("updatedAt", alias.getUpdatedAt())
                .map(row -> Boolean.TRUE.equals(row.get("created", Boolean.class)))
                .one();
    }

    @Override
    public Mono<Void> delete(String alias) {
        return db.sql("DELETE FROM orchestrator.model_aliases WHERE alias = :alias").bind("alias", alias).then();
    }

    private ModelAlias decode(byte[] config) {
        return serde.deserialize(FleetTopics.MODEL_ALIASES, config);
    }
}
