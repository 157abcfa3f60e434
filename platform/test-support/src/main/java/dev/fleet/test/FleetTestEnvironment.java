package dev.fleet.test;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points a Spring test context at the shared broker and, for services that own data, the test
 * database: whichever infrastructure {@link TestInfrastructure} chose, the same properties.
 */
public final class FleetTestEnvironment {

    /** Admin token used by tests of admin APIs. */
    public static final String ADMIN_TOKEN = "test-admin-token";

    private FleetTestEnvironment() {
    }

    public static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
        registry.add("fleet.admin.token", () -> ADMIN_TOKEN);
    }

    public static void kafkaAndPostgres(DynamicPropertyRegistry registry) {
        kafka(registry);
        registry.add("spring.r2dbc.url", SharedPostgres::r2dbcUrl);
        registry.add("spring.r2dbc.username", SharedPostgres::user);
        registry.add("spring.r2dbc.password", SharedPostgres::password);
        registry.add("spring.flyway.url", SharedPostgres::jdbcUrl);
        registry.add("spring.flyway.user", SharedPostgres::user);
        registry.add("spring.flyway.password", SharedPostgres::password);
    }
}
