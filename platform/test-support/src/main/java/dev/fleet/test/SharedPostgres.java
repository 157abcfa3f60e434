package dev.fleet.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real local PostgreSQL server (scripts/fleet test makes sure it runs). Tests use the
 * database {@code fleet_test}, created on first use. Override with {@code FLEET_TEST_POSTGRES_HOSTPORT}
 * ({@code 127.0.0.1:5432}), {@code FLEET_TEST_POSTGRES_USER} ({@code postgres}) and
 * {@code FLEET_TEST_POSTGRES_DB} ({@code fleet_test}; two checkouts testing at once each name their own).
 */
public final class SharedPostgres {

    public static final String DATABASE = database();

    private static boolean ensured;

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
        String v = System.getenv("FLEET_TEST_POSTGRES_HOSTPORT");
        return v == null || v.isBlank() ? "127.0.0.1:5432" : v;
    }

    public static String user() {
        String v = System.getenv("FLEET_TEST_POSTGRES_USER");
        return v == null || v.isBlank() ? "postgres" : v;
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
        return DriverManager.getConnection(jdbcUrl(), user(), "");
    }

    private static void ensureDatabase() {
        String admin = "jdbc:postgresql://" + hostPort() + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, user(), "");
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
