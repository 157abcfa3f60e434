package dev.fleet.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.testcontainers.containers.PostgreSQLContainer;

/**
 * One real PostgreSQL server shared by every test of the JVM. Which one, {@link TestInfrastructure}
 * decides: a {@link PostgreSQLContainer} ({@value #IMAGE}, started on first use, removed with the JVM)
 * where Docker exists, else the local server (scripts/fleet test makes sure it runs). Tests use the
 * database {@code fleet_test}, created on first use. Override with {@code FLEET_TEST_POSTGRES_DB}
 * ({@code fleet_test}; two checkouts testing at once each name their own) and, for the local server,
 * {@code FLEET_TEST_POSTGRES_HOSTPORT} ({@code 127.0.0.1:5432}) and {@code FLEET_TEST_POSTGRES_USER}
 * ({@code postgres}). Both servers let the user in without a password ({@link #password()} is empty),
 * as the local one does.
 */
public final class SharedPostgres {

    /** The local server's major version, so both infrastructures run the same PostgreSQL. */
    static final String IMAGE = "postgres:15-alpine";

    public static final String DATABASE = database();

    private static boolean ensured;
    private static PostgreSQLContainer<?> container;

    private SharedPostgres() {
    }

    private static String database() {
        String v = System.getenv("FLEET_TEST_POSTGRES_DB");
        if (v == null || v.isBlank()) {
            return "fleet_test";
        }
        if (!v.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalStateException("FLEET_TEST_POSTGRES_DB must be a plain lower-case identifier: " + v);
        }
        return v;
    }

    public static String hostPort() {
        PostgreSQLContainer<?> started = container();
        if (started != null) {
            return started.getHost() + ":" + started.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
        }
        String v = System.getenv("FLEET_TEST_POSTGRES_HOSTPORT");
        return v == null || v.isBlank() ? "127.0.0.1:5432" : v;
    }

    public static String user() {
        PostgreSQLContainer<?> started = container();
        if (started != null) {
            return started.getUsername();
        }
        String v = System.getenv("FLEET_TEST_POSTGRES_USER");
        return v == null || v.isBlank() ? "postgres" : v;
    }

    /** Empty: the local server trusts local connections, the container is started to do the same. */
    public static String password() {
        return "";
    }

    /** The container of this JVM, started on first use; {@code null} on the local infrastructure. */
    private static synchronized PostgreSQLContainer<?> container() {
        if (container == null && TestInfrastructure.current() == TestInfrastructure.CONTAINERS) {
            PostgreSQLContainer<?> started = newContainer();
            started.start();
            container = started;
        }
        return container;
    }

    /** A PostgreSQL container like the local server (user postgres, no password asked), not started. */
    @SuppressWarnings("resource")
    static PostgreSQLContainer<?> newContainer() {
        return new PostgreSQLContainer<>(IMAGE)
                .withDatabaseName(DATABASE)
                .withUsername("postgres")
                // the tests connect without a password, as to the local server
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust");
    }

    /** {@code //host:port/fleet_test}: the form of {@code FLEET_POSTGRES_URL}, after making sure the database exists. */
    public static synchronized String url() {
        if (!ensured) {
            ensureDatabase();
            ensured = true;
        }
        return "//" + hostPort() + "/" + DATABASE;
    }

    public static String jdbcUrl() {
        return "jdbc:postgresql:" + url();
    }

    public static String r2dbcUrl() {
        return "r2dbc:postgresql:" + url();
    }

    /** A JDBC connection to the test database, for assertions. */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user(), password());
    }

    private static void ensureDatabase() {
        String admin = "jdbc:postgresql://" + hostPort() + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, user(), password());
                Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                return; // created concurrently
            }
            throw new IllegalStateException("PostgreSQL is not reachable at " + hostPort() + " as " + user()
                    + " (scripts/fleet test starts the local server): " + e.getMessage(), e);
        }
    }
}
