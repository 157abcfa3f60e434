package dev.fleet.audit.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The streamed canonical form must stay byte for byte the form chains were first written with (a
 * sorted Jackson tree of the row, decision 0020): rows already in the log are verified against it.
 */
class CanonicalEventTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00.123456Z");
    private static final UUID ID = UUID.fromString("0b8a6c3e-5f1d-4d7e-9a43-2f0e8c1d7b55");

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"requestId\":\"req-1\",\"model\":\"fleet-extractive\",\"promptTokens\":120,\"completionTokens\":34}",
            "{\"z\":1.50,\"a\":{\"y\":[3,{\"b\":true,\"a\":null}],\"x\":1e3},\"m\":-0.000001234,\"n\":12345678901234567890}",
            "{\"text\":\"quote \\\" backslash \\\\ tab \\t é 日本 \\u0001\",\"list\":[],\"empty\":{}}",
            "[1,{\"b\":2,\"a\":1}]",
            // keys already sorted at every depth, as PayloadJson writes them: copied token by token
            "{\"completionTokens\":34,\"model\":\"fleet-extractive\",\"promptTokens\":120,\"requestId\":\"req-1\"}",
            "{\"a\":{\"x\":1e3,\"y\":[3,{\"a\":null,\"b\":true}]},\"m\":-0.000001234,\"n\":12345678901234567890,\"z\":1.50}",
            "{\"a\":-0.0,\"b\":1E-7,\"c\":[1.0,2.50,-0,9223372036854775808],\"d\":\"é \\\" \\u0001 日本\",\"e\":{}}",
            // sorted until a nested object repeats or reverses a key: written from the sorted tree
            "{\"a\":{\"b\":1,\"a\":2},\"b\":3}",
            "{\"a\":1,\"a\":2}"})
    void writesTheSameBytesAsTheSortedTreeChainsWereWrittenWith(String payload) {
        // when
        byte[] streamed = CanonicalEvent.of(ID, "tenant-ü", "CompletionSucceeded", AT, "key/k1", "request/r1",
                "orchestrator", payload);

        // then
        assertThat(new String(streamed, StandardCharsets.UTF_8))
                .isEqualTo(new String(sortedTree(payload), StandardCharsets.UTF_8));
    }

    /** The canonical form as first implemented: the row as an ObjectNode, the payload's keys sorted at every depth. */
    private static byte[] sortedTree(String payload) {
        JsonNodeFactory nodes = JsonNodeFactory.withExactBigDecimals(true);
        ObjectNode doc = nodes.objectNode();
        doc.put("actor", "key/k1");
        doc.put("event_id", ID.toString());
        doc.put("occurred_at", AT.toString());
        doc.set("payload", sorted(nodes, CanonicalEvent.parse(payload)));
        doc.put("produced_by", "orchestrator");
        doc.put("subject", "request/r1");
        doc.put("tenant_id", "tenant-ü");
        doc.put("type", "CompletionSucceeded");
        try {
            return CanonicalEvent.JSON.writeValueAsBytes(doc);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode sorted(JsonNodeFactory nodes, JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode copy = nodes.objectNode();
            names.forEach(name -> copy.set(name, sorted(nodes, node.get(name))));
            return copy;
        }
        if (node.isArray()) {
            var copy = nodes.arrayNode(node.size());
            for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
                copy.add(sorted(nodes, it.next()));
            }
            return copy;
        }
        return node;
    }
}
