package dev.fleet.audit.domain;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An Avro record as a plain JSON object: its field names as keys, strings, numbers and booleans
 * as such, enums as their symbol, timestamps (logical types) as ISO-8601 text, bytes as base64,
 * nested records, arrays and maps as JSON. Unlike Avro's JSON encoding, optional values are not
 * wrapped in their union branch. Keys are sorted at every depth (records' fields and maps' keys),
 * the order of the audit chain's canonical form, so {@link CanonicalEvent} copies the payload
 * without re-sorting it; jsonb keeps its own key order, so readers see no difference.
 */
public final class PayloadJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PayloadJson() {
    }

    public static String of(IndexedRecord record) {
        try {
            return MAPPER.writeValueAsString(toMap(record));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + record.getSchema().getFullName() + " as JSON", e);
        }
    }

    static Map<String, Object> toMap(IndexedRecord record) {
        Map<String, Object> json = new TreeMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            json.put(field.name(), toJson(record.get(field.pos())));
        }
        return json;
    }

    private static Object toJson(Object value) {
        if (value == null || value instanceof Boolean || value instanceof Number) {
            return value;
        }
        if (value instanceof IndexedRecord nested) {
            return toMap(nested);
        }
        if (value instanceof GenericFixed fixed) {
            return Base64.getEncoder().encodeToString(fixed.bytes());
        }
        if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] array = new byte[copy.remaining()];
            copy.get(array);
            return Base64.getEncoder().encodeToString(array);
        }
        if (value instanceof Collection<?> items) {
            List<Object> json = new ArrayList<>(items.size());
            items.forEach(item -> json.add(toJson(item)));
            return json;
        }
        if (value instanceof Map<?, ?> entries) {
            Map<String, Object> json = new TreeMap<>();
            entries.forEach((k, v) -> json.put(String.valueOf(k), toJson(v)));
            return json;
        }
        return value.toString(); // enum symbols, CharSequence, Instant, LocalDate, UUID, BigDecimal: their text
    }
}
