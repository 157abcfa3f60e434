package dev.fleet.test;

import java.util.Locale;
import java.util.function.BooleanSupplier;

import org.testcontainers.DockerClientFactory;

/**
 * Where the fleet's tests find Kafka and PostgreSQL, chosen once per test JVM and in this class
 * only (decision 0047): Testcontainers' containers when Docker is available, otherwise the in-JVM
 * KRaft broker and the local PostgreSQL server. {@code FLEET_TEST_INFRA} forces the choice:
 * {@code containers} (fails when there is no Docker) or {@code local} (never asks Docker); unset,
 * blank or {@code auto} asks Docker. {@link SharedKafka} and {@link SharedPostgres} follow the choice;
 * the run prints which one it made. Limits: {@link CuttableKafka} is always an in-JVM broker (it must
 * advertise its proxy), and {@code FLEET_TEST_KAFKA} still points the tests at a running broker.
 */
public enum TestInfrastructure {

    CONTAINERS("Testcontainers: KafkaContainer (" + SharedKafka.IMAGE + ") + PostgreSQLContainer ("
            + SharedPostgres.IMAGE + ")"),
    LOCAL("in-JVM KRaft broker + local PostgreSQL");

    public static final String VARIABLE = "FLEET_TEST_INFRA";

    private static TestInfrastructure current;

    private final String description;

    TestInfrastructure(String description) {
        this.description = description;
    }

    /** The infrastructure of this test JVM, chosen (and printed) on first use. */
    public static synchronized TestInfrastructure current() {
        if (current == null) {
            String requested = System.getenv(VARIABLE);
            current = choose(requested, () -> DockerClientFactory.instance().isDockerAvailable());
            System.out.println("fleet tests: infrastructure = " + current.describe(requested));
        }
        return current;
    }

    /**
     * The choice for {@code FLEET_TEST_INFRA} = {@code requested}; {@code dockerAvailable} is asked only
     * when the choice depends on it.
     */
    static TestInfrastructure choose(String requested, BooleanSupplier dockerAvailable) {
        String mode = requested == null ? "" : requested.trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "local":
                return LOCAL;
            case "containers":
                if (!dockerAvailable.getAsBoolean()) {
                    throw new IllegalStateException(VARIABLE + "=containers, but no Docker engine is reachable "
                            + "(Testcontainers found none: check DOCKER_HOST or the Docker socket), "
                            + "or unset it to use the in-JVM broker and the local PostgreSQL");
                }
                return CONTAINERS;
            case "", "auto":
                return dockerAvailable.getAsBoolean() ? CONTAINERS : LOCAL;
            default:
                throw new IllegalStateException(VARIABLE + " must be containers, local or auto (or unset), not '"
                        + requested + "'");
        }
    }

    /** What the run prints: the infrastructure and why it was chosen. */
    String describe(String requested) {
        String why;
        if (requested != null && !requested.isBlank() && !requested.trim().equalsIgnoreCase("auto")) {
            why = VARIABLE + "=" + requested.trim();
        } else {
            why = this == CONTAINERS ? "Docker available" : "no Docker";
        }
        return description + " (" + why + ")";
    }
}
