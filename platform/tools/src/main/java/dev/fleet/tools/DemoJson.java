package dev.fleet.tools;

import java.util.Iterator;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON that {@code scripts/fleet demo} shows and picks from the fleet's HTTP answers
 * ({@code json pretty|get PATH|count PATH|embeddings}, the body on stdin). Lenient by design: a body
 * that is not JSON is shown as it is, and a path that is not there is empty, so the demo can say what
 * went wrong instead of a parser.
 */
final class DemoJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DemoJson() {
    }

    /** Indented JSON, or {@code body} unchanged when it is not JSON. */
    static String pretty(String body) {
        return parse(body).map(node -> {
            try {
                return JSON.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                return body;
            }
        }).orElse(body.strip());
    }

    /**
     * The value at a dotted path ({@code data.0.embedding}; numbers index arrays): text as it is,
     * objects and arrays as JSON, empty when absent or {@code null}.
     */
    static String get(String body, String path) {
        return at(body, path).filter(node -> !node.isNull())
                .map(node -> node.isValueNode() ? node.asText() : node.toString()).orElse("");
    }

    /** The number of elements of the array at {@code path}; 0 when there is none. */
    static int count(String body, String path) {
        return at(body, path).filter(JsonNode::isArray).map(JsonNode::size).orElse(0);
    }

    /** One line about an OpenAI embeddings response: how many vectors, their dimensions, model, usage. */
    static String embeddings(String body) {
        Optional<JsonNode> root = parse(body);
        if (root.isEmpty()) {
            return "not a JSON response: " + body.strip();
        }
        JsonNode data = root.get().path("data");
        TreeSet<Integer> dims = new TreeSet<>();
        for (JsonNode item : data) {
            dims.add(item.path("embedding").size());
        }
        String dimensions = dims.isEmpty() ? "?" : dims.stream().map(String::valueOf).collect(Collectors.joining(","));
        return data.size() + " vectors of dimension " + dimensions + " (model " + root.get().path("model").asText("?")
                + ", usage " + root.get().path("usage") + ")";
    }

    private static Optional<JsonNode> at(String body, String path) {
        Optional<JsonNode> node = parse(body);
        if (node.isEmpty()) {
            return node;
        }
        JsonNode current = node.get();
        Iterator<String> parts = java.util.Arrays.stream(path.split("\\.")).filter(p -> !p.isEmpty()).iterator();
        while (parts.hasNext() && current != null) {
            String part = parts.next();
            if (current.isArray()) {
                try {
                    current = current.get(Integer.parseInt(part));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            } else {
                current = current.get(part);
            }
        }
        return Optional.ofNullable(current).filter(n -> !n.isMissingNode());
    }

    private static Optional<JsonNode> parse(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(body));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
