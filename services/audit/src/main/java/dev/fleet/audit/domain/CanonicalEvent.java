package dev.fleet.audit.domain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The bytes of an audit row that its chain hash covers: one JSON object of every column a
 * reader sees ({@code actor, event_id, occurred_at, payload, produced_by, subject, tenant_id,
 * type}), keys sorted at every depth, no whitespace, numbers in plain decimal notation, UTF-8.
 * Computed from the row's columns, both when the row is written and when it is verified, so a
 * change to any column breaks the chain, and an auditor can recompute it from the JSONL export
 * with any JSON library (no Avro schemas needed). Decision 0020 says why not the Avro bytes.
 * <p>
 * Limit: numbers are compared as decimal text; PostgreSQL's jsonb keeps a number's digits and
 * scale, so what was written reads back to the same bytes.
 */
public final class CanonicalEvent {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    static final ObjectMapper JSON = new ObjectMapper()
            .setNodeFactory(NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private CanonicalEvent() {
    }

    public static byte[] of(AuditEntry e) {
        return of(e.eventId(), e.tenantId(), e.type().typeName(), e.occurredAt(), e.actor(), e.subject(),
                e.producedBy(), e.payloadJson());
    }

    public static byte[] of(AuditedEvent e) {
        return of(e.eventId(), e.tenantId(), e.type(), e.occurredAt(), e.actor(), e.subject(), e.producedBy(),
                e.payloadJson());
    }

    static byte[] of(UUID eventId, String tenantId, String type, Instant occurredAt, String actor, String subject,
            String producedBy, String payloadJson) {
        ObjectNode doc = NODES.objectNode();
        doc.put("actor", actor);
        doc.put("event_id", eventId.toString());
        doc.put("occurred_at", occurredAt.toString());
        doc.set("payload", sorted(parse(payloadJson)));
        doc.put("produced_by", producedBy);
        doc.put("subject", subject);
        doc.put("tenant_id", tenantId);
        doc.put("type", type);
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code payloadJson} as a tree, numbers exact. */
    static JsonNode parse(String payloadJson) {
        try {
            return JSON.readTree(payloadJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("the payload is not JSON", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode copy = NODES.objectNode();
            names.forEach(name -> copy.set(name, sorted(node.get(name))));
            return copy;
        }
        if (node.isArray()) {
            var copy = NODES.arrayNode(node.size());
            for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
                copy.add(sorted(it.next()));
            }
            return copy;
        }
        return node;
    }
}
