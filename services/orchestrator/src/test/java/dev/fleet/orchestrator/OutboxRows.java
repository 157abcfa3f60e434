package dev.fleet.orchestrator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.fleet.test.SharedPostgres;

/** The orchestrator's outbox as the integration tests count it, straight from the database. */
final class OutboxRows {

    private OutboxRows() {
    }

    /** How many outbox rows the tenant has for the topic, published or not. */
    static long count(String tenant, String topic) throws SQLException {
        try (Connection db = SharedPostgres.connect(); PreparedStatement count = db.prepareStatement(
                "SELECT count(*) FROM orchestrator.outbox WHERE tenant_id::text = ? AND topic = ?")) {
            count.setString(1, tenant);
            count.setString(2, topic);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
