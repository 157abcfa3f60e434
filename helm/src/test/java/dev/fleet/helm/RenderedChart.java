package dev.fleet.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

/**
 * The chart rendered by the helm library bundled in helm-java ({@code helm template}, client only:
 * no cluster, no network), parsed into one {@link JsonNode} per Kubernetes object.
 */
final class RenderedChart {

    static final Path CHART = Path.of(System.getProperty("fleet.chart.dir", "fleet")).toAbsolutePath().normalize();
    static final Path REPOSITORY = CHART.getParent().getParent();
    static final String RELEASE = "fleet";
    private static final ObjectMapper YAML = new YAMLMapper();

    private final List<JsonNode> objects;

    private RenderedChart(List<JsonNode> objects) {
        this.objects = objects;
    }

    /** Renders {@link #CHART} with {@code valuesFiles} (none: the chart's defaults). */
    static RenderedChart render(Path... valuesFiles) {
        return renderChart(CHART, valuesFiles);
    }

    /** Renders the chart in {@code chart} (a modified copy) with {@code valuesFiles}. */
    static RenderedChart renderChart(Path chart, Path... valuesFiles) {
        return renderChart(chart, command -> Stream.of(valuesFiles).forEach(command::withValuesFile));
    }

    static RenderedChart renderChart(Path chart, Consumer<TemplateCommand> options) {
        TemplateCommand command = new Helm(chart).template().withName(RELEASE).withNamespace("fleet");
        options.accept(command);
        return parse(command.call());
    }

    static RenderedChart parse(String manifests) {
        List<JsonNode> objects = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(manifests)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(node -> {
                if (node != null && !node.isNull() && !node.isMissingNode() && node.size() > 0) {
                    objects.add(node);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("rendered manifests are not YAML:\n" + manifests, e);
        }
        return new RenderedChart(objects);
    }

    List<JsonNode> all() {
        return objects;
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    JsonNode named(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " among " + names()));
    }

    List<String> names() {
        return objects.stream().map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText())
                .toList();
    }

    /** Every environment variable of a Deployment's container: its ConfigMap's entries and its own env. */
    Map<String, JsonNode> environment(String service) {
        JsonNode container = named("Deployment", RELEASE + "-" + service).at("/spec/template/spec/containers/0");
        Map<String, JsonNode> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String configMap = from.at("/configMapRef/name").asText();
            named("ConfigMap", configMap).path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue()));
        }
        for (JsonNode variable : container.path("env")) {
            env.put(variable.path("name").asText(), variable.has("value") ? variable.get("value")
                    : variable.get("valueFrom"));
        }
        return env;
    }

    /** A copy of the chart in {@code directory} with {@code template}'s text replaced. */
    static Path chartCopy(Path directory, String template, String text, String replacement) throws IOException {
        Path copy = directory.resolve("fleet");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Path file = copy.resolve(template);
        String content = Files.readString(file);
        if (!content.contains(text)) {
            throw new IllegalStateException(template + " no longer contains " + text);
        }
        Files.writeString(file, content.replace(text, Objects.requireNonNull(replacement)));
        return copy;
    }
}
