package dev.fleet.orchestrator.persistence;

import org.flywaydb.core.Flyway;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.fleet.test.SharedPostgres;

import io.r2dbc.spi.ConnectionFactories;

/** The orchestrator's schema on the local PostgreSQL, migrated, for the persistence tests that use no Spring context. */
final class OrchestratorSchema {

    private OrchestratorSchema() {
    }

    /** Migrates the {@code orchestrator} schema and answers a client of the test database. */
    static DatabaseClient migratedClient() {
        Flyway.configure().dataSource(SharedPostgres.jdbcUrl(), SharedPostgres.user(), "")
                .schemas("orchestrator").createSchemas(true).locations("classpath:db/migration/orchestrator")
                .load().migrate();
        return DatabaseClient.create(ConnectionFactories.get(SharedPostgres.r2dbcUrl()
                .replace("r2dbc:postgresql://", "r2dbc:postgresql://" + SharedPostgres.user() + "@")));
    }
}
