package dev.fleet.audit.domain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
        byte[] streamed = write(eventId, tenantId, type, occurredAt, actor, subject, producedBy, payloadJson, true);
        return streamed != null ? streamed
                : write(eventId, tenantId, type, occurredAt, actor, subject, producedBy, payloadJson, false);
    }

    /**
     * The canonical bytes, written in key order straight into the generator (no tree of the
     * envelope). The payload is copied token by token when {@code stream} and its keys are already
     * sorted at every depth (as {@link PayloadJson} writes them): no tree, no sort, numbers copied
     * exactly; {@code null} when a key is out of order, and the caller writes it again from a sorted
     * tree. Both give the bytes of the sorted tree chains were first written with
     * (CanonicalEventTest holds them equal); the writer computes this for every row it appends.
     */
    private static byte[] write(UUID eventId, String tenantId, String type, Instant occurredAt, String actor,
            String subject, String producedBy, String payloadJson, boolean stream) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(256 + payloadJson.length());
        try (JsonGenerator out = JSON.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("actor", actor);
            out.writeStringField("event_id", eventId.toString());
            out.writeStringField("occurred_at", occurredAt.toString());
            out.writeFieldName("payload");
            if (stream) {
                try (JsonParser in = JSON.getFactory().createParser(payloadJson)) {
                    if (in.nextToken() == null || !copySorted(in, out)) {
                        return null;
                    }
                }
            } else {
                writeSorted(out, parse(payloadJson));
            }
            out.writeStringField("produced_by", producedBy);
            out.writeStringField("subject", subject);
            out.writeStringField("tenant_id", tenantId);
            out.writeStringField("type", type);
            out.writeEndObject();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the payload is not JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Copies the value at {@code in}'s current token, numbers exactly; {@code false} as soon as an
     * object's key is not greater than the one before it (unsorted, or repeated).
     */
    private static boolean copySorted(JsonParser in, JsonGenerator out) throws IOException {
        JsonToken token = in.currentToken();
        if (token == JsonToken.START_OBJECT) {
            out.writeStartObject();
            String previous = null;
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String name = in.currentName();
                if (previous != null && name.compareTo(previous) <= 0) {
                    return false;
                }
                out.writeFieldName(name);
                in.nextToken();
                if (!copySorted(in, out)) {
                    return false;
                }
                previous = name;
            }
            out.writeEndObject();
        } else if (token == JsonToken.START_ARRAY) {
            out.writeStartArray();
            while (in.nextToken() != JsonToken.END_ARRAY) {
                if (!copySorted(in, out)) {
                    return false;
                }
            }
            out.writeEndArray();
        } else {
            out.copyCurrentEventExact(in);
        }
        return true;
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
