package dev.fleet.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.fleet.orchestrator.domain.prompts.PromptConfig;
import dev.fleet.test.SharedPostgres;

/**
 * The prompt store's list of a tenant's prompts against the local PostgreSQL: sorted names of the prompts
 * that have a version, the tenant's own only (a prompt registered by a lock but never given a version is
 * not one).
 */
class R2dbcPromptStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static R2dbcPromptStore store;

    private final List<UUID> tenants = new java.util.ArrayList<>();

    @BeforeAll
    static void migrate() {
        store = new R2dbcPromptStore(OrchestratorSchema.migratedClient());
    }

    @AfterEach
    void deleteTestData() throws SQLException {
        try (Connection db = SharedPostgres.connect()) {
            for (UUID tenant : tenants) {
                for (String table : List.of("prompt_labels", "prompt_versions", "prompts")) {
                    try (PreparedStatement s = db.prepareStatement(
                            "DELETE FROM orchestrator." + table + " WHERE tenant_id = ?")) {
                        s.setObject(1, tenant);
                        s.executeUpdate();
                    }
                }
                try (PreparedStatement s = db.prepareStatement("DELETE FROM orchestrator.tenants WHERE id = ?")) {
                    s.setObject(1, tenant);
                    s.executeUpdate();
                }
            }
        }
    }

    @Test
    void namesTheTenantsPromptsThatHaveAVersionSorted() throws SQLException {
        // given two tenants' prompts, and one prompt locked but never given a version
        UUID tenant = tenant();
        UUID other = tenant();
        Instant now = Instant.parse("2026-12-01T08:00:00Z");
        addVersion(tenant, "support", "You are {{tone}}.", now);
        addVersion(tenant, "billing", "Explain the invoice.", now);
        addVersion(tenant, "support", "You are very {{tone}}.", now);
        addVersion(other, "other-tenants", "Not yours.", now);
        store.lock(tenant, "empty", now).block(WAIT);

        // when / then
        assertThat(store.names(tenant).collectList().block(WAIT)).containsExactly("billing", "support");
        assertThat(store.names(other).collectList().block(WAIT)).containsExactly("other-tenants");
        assertThat(store.names(UUID.randomUUID()).collectList().block(WAIT)).isEmpty();
    }

    private void addVersion(UUID tenant, String name, String template, Instant now) {
        PromptConfig current = store.lock(tenant, name, now).block(WAIT);
        store.insertLatestVersion(tenant, current.withVersion(template, List.of("production"), now)).block(WAIT);
    }

    private UUID tenant() throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection db = SharedPostgres.connect(); PreparedStatement s = db.prepareStatement("""
                INSERT INTO orchestrator.tenants (id, name, plan, status, created_at, updated_at)
                VALUES (?, 'Prompt store test', 'FREE', 'ACTIVE', ?, ?)""")) {
            Timestamp now = Timestamp.from(Instant.now());
            s.setObject(1, id);
            s.setTimestamp(2, now);
            s.setTimestamp(3, now);
            s.executeUpdate();
        }
        tenants.add(id);
        return id;
    }
}
