package dev.fleet.audit.domain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

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
        // Streamed straight into the generator in key order (no tree of the envelope, no sorted copy
        // of the payload): the same bytes as writing the sorted tree, at a fraction of the cost; the
        // audit writer computes this for every row it appends (CanonicalEventTest holds the two equal).
        ByteArrayBuilder bytes = new ByteArrayBuilder(256 + payloadJson.length());
        try (JsonGenerator out = JSON.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("actor", actor);
            out.writeStringField("event_id", eventId.toString());
            out.writeStringField("occurred_at", occurredAt.toString());
            out.writeFieldName("payload");
            writeSorted(out, parse(payloadJson));
            out.writeStringField("produced_by", producedBy);
            out.writeStringField("subject", subject);
            out.writeStringField("tenant_id", tenantId);
            out.writeStringField("type", type);
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** {@code node} with the keys of every object in sorted order. */
    private static void writeSorted(JsonGenerator out, JsonNode node) throws IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.size());
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            out.writeStartObject();
            for (String name : names) {
                out.writeFieldName(name);
                writeSorted(out, node.get(name));
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
                writeSorted(out, it.next());
            }
            out.writeEndArray();
        } else {
            JSON.writeTree(out, node);
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
}
