package dev.fleet.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

/**
 * The chart an SRE installs: linted strictly, rendered with the default, a production-like and a
 * minimal values file, and the rendered objects checked for what a secure, scalable deployment needs.
 */
class FleetChartTest {

    private static final List<String> SERVICES = List.of("gateway", "orchestrator", "embedding-worker", "scorer",
            "usage-metering", "audit");
    private static final List<String> CONSUMERS = SERVICES.subList(1, SERVICES.size());
    private static final Path PRODUCTION = RenderedChart.CHART.resolve("ci/production-values.yaml");
    private static final Path MINIMAL = RenderedChart.CHART.resolve("ci/minimal-values.yaml");

    @Test
    void passesStrictLint() {
        LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production", "minimal"})
    void everyServiceIsDeployedWithProbesLimitsAndALockedDownContainer(String valuesFile) {
        // given the chart rendered with one of its values files
        RenderedChart chart = render(valuesFile);

        // then each of the six services is a Deployment with a Service, a PDB and a NetworkPolicy
        assertThat(chart.ofKind("Deployment")).hasSize(6);
        for (String service : SERVICES) {
            String name = RenderedChart.RELEASE + "-" + service;
            JsonNode pod = chart.named("Deployment", name).at("/spec/template/spec");
            JsonNode container = pod.at("/containers/0");
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/actuator/health/readiness");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/actuator/health/liveness");
            assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/actuator/health/liveness");
            assertThat(container.at("/resources/limits/memory").asText()).as(service).isNotBlank();
            assertThat(container.at("/resources/limits/cpu").asText()).as(service).isNotBlank();
            assertThat(container.at("/resources/requests/cpu").asText()).as(service).isNotBlank();
            assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(container.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            assertThat(container.at("/securityContext/capabilities/drop").toString()).contains("\"ALL\"");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            assertThat(pod.at("/automountServiceAccountToken").asBoolean(true)).isFalse();
            // the read-only root filesystem leaves /tmp writable for the JVM and Kafka Streams state
            assertThat(container.at("/volumeMounts").findValuesAsText("mountPath")).contains("/tmp");
            if (service.equals("embedding-worker")) {
                assertThat(chart.named("ConfigMap", name).at("/data/DJL_CACHE_DIR").asText()).startsWith("/tmp/");
            }
            assertThat(pod.at("/volumes/0/emptyDir").isObject()).isTrue();
            assertThat(chart.named("Service", name).at("/spec/ports/0/port").asInt())
                    .isEqualTo(container.at("/ports/0/containerPort").asInt());
            assertThat(chart.named("PodDisruptionBudget", name).at("/spec/selector/matchLabels/app.kubernetes.io~1name")
                    .asText()).isEqualTo(service);
            assertThat(chart.named("NetworkPolicy", name).at("/spec/policyTypes/0").asText()).isEqualTo("Ingress");
        }
    }

    @Test
    void theConsoleProbesEveryServiceAndCallsTheGatewayInTheClusterWithSessionsKeptToOneReplica() {
        RenderedChart chart = RenderedChart.render(PRODUCTION);
        Map<String, JsonNode> env = chart.environment("orchestrator");
        String probes = env.get("FLEET_CONSOLE_SERVICES").asText();
        for (String service : SERVICES) {
            int port = chart.named("Service", RenderedChart.RELEASE + "-" + service).at("/spec/ports/0/port").asInt();
            assertThat(probes).contains(service + "=http://" + RenderedChart.RELEASE + "-" + service + ":" + port);
        }
        assertThat(env.get("FLEET_CONSOLE_GATEWAY_URL").asText()).isEqualTo("http://" + RenderedChart.RELEASE + "-gateway:"
                + chart.named("Service", RenderedChart.RELEASE + "-gateway").at("/spec/ports/0/port").asInt());
        assertThat(chart.named("Service", RenderedChart.RELEASE + "-orchestrator").at("/spec/sessionAffinity").asText())
                .isEqualTo("ClientIP");
        assertThat(chart.named("Service", RenderedChart.RELEASE + "-gateway").at("/spec/sessionAffinity").isMissingNode()).isTrue();
    }

    @Test
    void eachServiceListensWhereItsApplicationYmlSaysAndGetsOnlyVariablesItReads() throws IOException {
        RenderedChart chart = RenderedChart.render(PRODUCTION);
        String kafkaEnvironment = Files.readString(RenderedChart.REPOSITORY
                .resolve("platform/kafka/src/main/java/dev/fleet/platform/kafka/FleetKafkaEnvironment.java"));
        // what every service reads: the platform's shared defaults (FleetDefaultsEnvironment)
        String platformDefaults = Files.readString(RenderedChart.REPOSITORY
                .resolve("platform/kafka/src/main/resources/fleet-defaults.yml"));
        assertThat(platformDefaults).contains("${KAFKA_BOOTSTRAP_SERVERS:", "${FLEET_ADMIN_TOKEN:");

        for (String service : SERVICES) {
            String applicationYml = Files.readString(RenderedChart.REPOSITORY
                    .resolve("services/" + service + "/src/main/resources/application.yml"));
            Map<String, JsonNode> env = chart.environment(service);
            // the port the chart probes is the service's own default
            assertThat(applicationYml).contains("${SERVER_PORT:" + env.get("SERVER_PORT").asText() + "}");
            for (String variable : env.keySet()) {
                boolean read = applicationYml.contains("${" + variable + ":")
                        || platformDefaults.contains("${" + variable + ":")
                        || (variable.startsWith("FLEET_KAFKA_") && kafkaEnvironment.contains(variable.startsWith(
                                "FLEET_KAFKA_PROPERTIES_") ? "FLEET_KAFKA_PROPERTIES_" : "\"" + variable + "\""))
                        || Set.of("JAVA_TOOL_OPTIONS", "POD_IP").contains(variable)
                        // DJL (the embedding model's tokenizer) reads it; the root filesystem is read-only
                        || variable.equals("DJL_CACHE_DIR") && service.equals("embedding-worker")
                        || variable.startsWith("FLEET_OPENAI_") && applicationYml.contains("${FLEET_OPENAI_");
                assertThat(read).as("%s sets %s, which it does not read", service, variable).isTrue();
            }
        }
    }

    @Test
    void productionKafkaSecurityReachesEveryServiceAndCredentialsComeFromSecrets() {
        RenderedChart chart = RenderedChart.render(PRODUCTION);

        for (String service : SERVICES) {
            Map<String, JsonNode> env = chart.environment(service);
            assertThat(env.get("FLEET_KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SASL_SSL");
            assertThat(env.get("FLEET_KAFKA_SASL_MECHANISM").asText()).isEqualTo("SCRAM-SHA-512");
            assertThat(env.get("FLEET_KAFKA_SASL_USERNAME").asText()).isEqualTo("fleet");
            assertThat(env.get("FLEET_KAFKA_SSL_TRUSTSTORE_LOCATION").asText())
                    .isEqualTo("/etc/fleet/kafka-tls/truststore.p12");
            assertThat(env.get("FLEET_KAFKA_PROPERTIES_CLIENT_DNS_LOOKUP").asText()).isEqualTo("use_all_dns_ips");
            assertThat(env.get("FLEET_KAFKA_SASL_PASSWORD").at("/secretKeyRef/key").asText())
                    .isEqualTo("kafka-sasl-password");
            assertThat(env.get("FLEET_KAFKA_SSL_TRUSTSTORE_PASSWORD").at("/secretKeyRef/name").asText())
                    .isEqualTo("kafka-ca");
            assertThat(env.get("FLEET_ADMIN_TOKEN").at("/secretKeyRef/name").asText()).isEqualTo("fleet");
            assertThat(env.get("FLEET_KAFKA_REPLICATION_FACTOR").asText()).isEqualTo("3");
            assertThat(env.get("FLEET_KAFKA_MIN_INSYNC_REPLICAS").asText()).isEqualTo("2");
            assertThat(env.get("FLEET_KAFKA_TOPIC_PARTITIONS").asText()).contains("fleet.chat.requests.v1=12")
                    .contains("fleet.domain.events.v1=6");
            JsonNode pod = chart.named("Deployment", "fleet-" + service).at("/spec/template/spec");
            assertThat(pod.at("/volumes").findValuesAsText("secretName")).contains("kafka-ca");
            assertThat(pod.at("/tolerations/0/value").asText()).isEqualTo("fleet");
            assertThat(pod.at("/topologySpreadConstraints/0/labelSelector/matchLabels/app.kubernetes.io~1name")
                    .asText()).isEqualTo(service);
        }
        // the database password only where a database is used, from the existing Secret
        assertThat(chart.environment("orchestrator").get("FLEET_POSTGRES_PASSWORD").at("/secretKeyRef/name").asText())
                .isEqualTo("fleet-db");
        assertThat(chart.environment("audit")).containsKey("FLEET_POSTGRES_PASSWORD").containsKey("FLEET_POSTGRES_URL");
        assertThat(chart.environment("scorer")).doesNotContainKeys("FLEET_POSTGRES_PASSWORD", "FLEET_POSTGRES_URL");
        assertThat(chart.environment("orchestrator").get("FLEET_OPENAI_API_KEY").at("/secretKeyRef/name").asText())
                .isEqualTo("llm-provider");
        assertThat(chart.environment("scorer").get("JAVA_TOOL_OPTIONS").asText())
                .contains("--add-modules=jdk.incubator.vector");
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production", "minimal"})
    void noSecretValueLandsInAConfigMap(String valuesFile) {
        RenderedChart chart = render(valuesFile);
        List<String> secrets = new ArrayList<>(List.of("kafka-sasl-pa55word-from-values", "admin-t0ken-from-values"));
        for (JsonNode secret : chart.ofKind("Secret")) {
            secret.path("data").fields().forEachRemaining(e -> {
                if (!e.getKey().equals("kafka-sasl-username")) { // (KEDA reads the username from a Secret only)
                    secrets.add(new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8));
                }
            });
        }

        for (JsonNode configMap : chart.ofKind("ConfigMap")) {
            String data = configMap.path("data").toString();
            assertThat(secrets).allSatisfy(secret -> assertThat(data).doesNotContain(secret));
            assertThat(configMap.path("data").fieldNames()).toIterable()
                    .noneMatch(name -> name.matches(".*(PASSWORD|TOKEN|JAAS|API_KEY).*"));
        }
    }

    @Test
    void credentialsGivenAsValuesAreKeptInTheChartsSecret() {
        JsonNode secret = RenderedChart.render(PRODUCTION).named("Secret", "fleet");

        assertThat(decoded(secret, "admin-token")).isEqualTo("admin-t0ken-from-values");
        assertThat(decoded(secret, "kafka-sasl-password")).isEqualTo("kafka-sasl-pa55word-from-values");
        assertThat(secret.path("data").has("postgres-password")).as("an existing Secret is referenced").isFalse();
        assertThat(RenderedChart.render(MINIMAL).ofKind("Secret")).as("nothing to keep").isEmpty();
    }

    @Test
    void consumerServicesScaleOnTheirGroupsLagOnlyWhenKedaIsEnabled() {
        // given the defaults: no KEDA objects, fixed replicas, an HPA on the gateway
        RenderedChart defaults = RenderedChart.render();
        assertThat(defaults.ofKind("ScaledObject")).isEmpty();
        assertThat(defaults.ofKind("TriggerAuthentication")).isEmpty();
        assertThat(defaults.named("Deployment", "fleet-audit").at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(defaults.named("HorizontalPodAutoscaler", "fleet-gateway").at("/spec/maxReplicas").asInt())
                .isEqualTo(6);
        assertThat(defaults.named("Deployment", "fleet-gateway").at("/spec/replicas").isMissingNode())
                .as("the HPA owns the gateway's replicas").isTrue();

        // when every consumer service has KEDA
        RenderedChart production = RenderedChart.render(PRODUCTION);

        // then each scales on its own consumer group's lag, within its topics' partitions
        Map<String, String> groups = new TreeMap<>();
        for (String service : CONSUMERS) {
            JsonNode scaled = production.named("ScaledObject", "fleet-" + service);
            assertThat(scaled.at("/spec/scaleTargetRef/name").asText()).isEqualTo("fleet-" + service);
            assertThat(production.named("Deployment", "fleet-" + service).at("/spec/replicas").isMissingNode())
                    .as("KEDA owns %s's replicas", service).isTrue();
            for (JsonNode trigger : scaled.at("/spec/triggers")) {
                assertThat(trigger.path("type").asText()).isEqualTo("kafka");
                assertThat(trigger.at("/metadata/sasl").asText()).isEqualTo("scram_sha512");
                assertThat(trigger.at("/metadata/tls").asText()).isEqualTo("enable");
                assertThat(trigger.at("/authenticationRef/name").asText()).isEqualTo("fleet-kafka");
                groups.merge(service, trigger.at("/metadata/consumerGroup").asText() + " "
                        + trigger.at("/metadata/topic").asText(), (a, b) -> a + ", " + b);
            }
        }
        assertThat(groups).containsExactlyInAnyOrderEntriesOf(Map.of(
                "orchestrator", "orchestrator fleet.chat.requests.v1",
                "embedding-worker", "embedding-worker fleet.embedding.requests.v1, embedding-worker fleet.items.v1",
                "scorer", "scorer fleet.score.requests.v1, fleet-scorer-risk fleet.transactions.v1",
                "usage-metering", "fleet-usage-metering fleet.usage.v1",
                "audit", "audit fleet.domain.events.v1"));
        assertThat(production.named("ScaledObject", "fleet-orchestrator").at("/spec/triggers/0/metadata/lagThreshold")
                .asText()).isEqualTo("50");
        JsonNode auth = production.named("TriggerAuthentication", "fleet-kafka");
        assertThat(auth.at("/spec/secretTargetRef").findValuesAsText("parameter"))
                .containsExactlyInAnyOrder("username", "password", "ca");
    }

    @Test
    void refusesToRenderMoreReplicasThanPartitions(@TempDir Path dir) throws IOException {
        // given audit allowed 7 replicas on fleet.domain.events.v1's 6 partitions
        Path values = write(dir, "too-many.yaml", """
                services:
                  audit:
                    keda: { enabled: true, maxReplicaCount: 7 }
                """);

        // then the chart refuses to render, naming the topic
        assertThatThrownBy(() -> RenderedChart.render(PRODUCTION, values))
                .hasMessageContaining("services.audit.keda.maxReplicaCount (7) exceeds the partitions of "
                        + "fleet.domain.events.v1 (6)");
        // and with the catalog's 3 partitions by default, 4 is already too many
        Path defaults = write(dir, "default-too-many.yaml", """
                services:
                  audit:
                    keda: { enabled: true, maxReplicaCount: 4 }
                """);
        assertThatThrownBy(() -> RenderedChart.render(defaults)).hasMessageContaining("(3)");
        Path exactly = write(dir, "exactly.yaml", """
                services:
                  audit:
                    keda: { enabled: true, maxReplicaCount: 3 }
                """);
        assertThat(RenderedChart.render(exactly).named("ScaledObject", "fleet-audit").at("/spec/maxReplicaCount")
                .asInt()).isEqualTo(3);
    }

    @Test
    void refusesMoreRequestingReplicasThanReplyPartitions(@TempDir Path dir) throws IOException {
        // given a gateway allowed 7 replicas while the reply topics keep the catalog's 6 partitions
        Path values = write(dir, "gateway.yaml", """
                services:
                  gateway:
                    autoscaling: { enabled: true, maxReplicas: 7 }
                """);

        // then the 7th would never be ready: the chart refuses
        assertThatThrownBy(() -> RenderedChart.render(values))
                .hasMessageContaining("services.gateway may run 7 replicas, but fleet.chat.replies.v1 has 6 partitions");
        // and the orchestrator, which waits for embedding and score replies, likewise
        Path orchestrator = write(dir, "orchestrator.yaml", """
                global:
                  kafka:
                    topics:
                      partitions: { fleet.chat.requests.v1: 12 }
                services:
                  orchestrator:
                    keda: { enabled: true, maxReplicaCount: 8 }
                """);
        assertThatThrownBy(() -> RenderedChart.render(orchestrator))
                .hasMessageContaining("fleet.embedding.replies.v1 has 6 partitions");
    }

    @Test
    void imagesComeFromTheRegistryAndTagsOfTheValues(@TempDir Path dir) throws IOException {
        Path values = write(dir, "images.yaml", """
                global: { imageRegistry: registry.example.com, imageTag: "1.0.0" }
                services:
                  scorer: { image: { repository: fleet/scorer, tag: "1.0.1" } }
                """);

        RenderedChart chart = RenderedChart.render(values);

        assertThat(image(RenderedChart.render(), "gateway")).isEqualTo("fleet/gateway:0.1.0-SNAPSHOT");
        assertThat(image(chart, "gateway")).isEqualTo("registry.example.com/fleet/gateway:1.0.0");
        assertThat(image(chart, "scorer")).isEqualTo("registry.example.com/fleet/scorer:1.0.1");
    }

    @Test
    void refusesMinInsyncReplicasAboveTheReplicationFactor(@TempDir Path dir) throws IOException {
        Path values = write(dir, "isr.yaml", """
                global:
                  kafka:
                    topics: { replicationFactor: 2, minInsyncReplicas: 3 }
                """);

        assertThatThrownBy(() -> RenderedChart.render(values)).hasMessageContaining("minInsyncReplicas");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "services:\n  gateway:\n    replica: 3\n", // unknown key (a typo)
            "services:\n  scorer:\n    port: \"8083\"\n", // wrong type
            "global:\n  kafka:\n    security:\n      protocol: SASL_TLS\n", // not a protocol
            "services:\n  audit:\n    env:\n      FLEET_POSTGRES_PASSWORD: s3cret\n", // a credential as plain env
            "services:\n  audit:\n    env:\n      SERVER_PORT: 9000\n", // set by the chart (port, probes)
            "services:\n  audit:\n    secretEnv:\n      FLEET_KAFKA_SASL_PASSWORD: { secret: a, key: b }\n",
            "securityContext:\n  readOnlyRootFilesystem: false\n", // the secure defaults are fixed
            "global:\n  kafka:\n    topics:\n      partitions:\n        fleet.chat.request.v1: 6\n", // no such topic
            "services:\n  billing:\n    enabled: true\n"}) // no such service
    void refusesAnInvalidValuesFile(String yaml, @TempDir Path dir) throws IOException {
        Path values = write(dir, "invalid.yaml", yaml);

        assertThatThrownBy(() -> RenderedChart.render(values)).hasMessageContaining("values don't meet the specifications");
    }

    @Test
    void defaultPartitionsAreTheTopicCatalogs() throws IOException {
        JsonNode partitions = new YAMLMapper().readTree(RenderedChart.CHART.resolve("values.yaml").toFile())
                .at("/global/kafka/topics/partitions");
        Map<String, Integer> catalog = FleetTopics.ALL.stream().collect(Collectors.toMap(Topic::name,
                Topic::partitions));

        assertThat(partitions.size()).isPositive();
        partitions.fields().forEachRemaining(e -> assertThat(e.getValue().asInt()).as(e.getKey())
                .isEqualTo(catalog.get(e.getKey())));
        // and the schema knows exactly the catalog's topics
        JsonNode schema = new YAMLMapper().readTree(RenderedChart.CHART.resolve("values.schema.json").toFile())
                .at("/properties/global/properties/kafka/properties/topics/properties/partitions/properties");
        List<String> schemaTopics = new ArrayList<>();
        schema.fieldNames().forEachRemaining(schemaTopics::add);
        assertThat(schemaTopics).containsExactlyInAnyOrderElementsOf(catalog.keySet());
    }

    @Test
    void serviceMonitorsOnlyWhereThePrometheusOperatorIsInstalled(@TempDir Path dir) throws IOException {
        // given a cluster without monitoring.coreos.com/v1 (helm template's default capabilities)
        assertThat(RenderedChart.render(PRODUCTION).ofKind("ServiceMonitor")).isEmpty();

        // when the capability is present (helm-java 0.0.17 cannot pass --api-versions: the check is substituted)
        Path chart = RenderedChart.chartCopy(dir, "templates/servicemonitor.yaml",
                "(.Capabilities.APIVersions.Has \"monitoring.coreos.com/v1\")", "true");
        RenderedChart withOperator = RenderedChart.renderChart(chart);

        // then each service's metrics are scraped
        assertThat(withOperator.ofKind("ServiceMonitor")).hasSize(6).allSatisfy(monitor ->
                assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/actuator/prometheus"));
    }

    @Test
    void alertsOnlyWhereThePrometheusOperatorIsInstalledAndTheDashboardOnlyWhenAsked(@TempDir Path dir)
            throws IOException {
        // given a cluster without monitoring.coreos.com/v1 and the default values
        RenderedChart plain = RenderedChart.render(PRODUCTION);
        assertThat(plain.ofKind("PrometheusRule")).isEmpty();
        assertThat(plain.ofKind("ConfigMap")).noneMatch(map -> map.at("/metadata/labels/grafana_dashboard").isTextual());

        // when the capability is present and the dashboard switched on
        Path chart = RenderedChart.chartCopy(dir, "templates/prometheusrule.yaml",
                "(.Capabilities.APIVersions.Has \"monitoring.coreos.com/v1\")", "true");
        RenderedChart monitored = RenderedChart.renderChart(chart, PRODUCTION,
                write(dir, "dashboard.yaml", "grafanaDashboard:\n  enabled: true\n"));

        // then the alerts and the dashboard are there
        Map<String, String> alerts = alerts(monitored);
        assertThat(alerts).containsOnlyKeys("FleetConsumerLagGrowing", "FleetDeadLetters", "FleetCircuitBreakerOpen",
                "FleetReadinessFlapping");
        assertThat(alerts.values()).allSatisfy(expr -> assertThat(expr).contains("namespace=\"fleet\""));
        JsonNode lagRule = monitored.ofKind("PrometheusRule").get(0).at("/spec/groups/0/rules/0");
        assertThat(lagRule.at("/for").asText()).isEqualTo("5m");
        JsonNode dashboard = dashboard(monitored);
        assertThat(dashboard.at("/uid").asText()).isEqualTo("fleet-overview");
        assertThat(dashboard.at("/panels").findValuesAsText("title")).hasSize(6);
    }

    @Test
    void alertsAndDashboardReadTheMetricsTheFleetExports(@TempDir Path dir) throws IOException {
        // given the Prometheus names of the meters the platform registers (Micrometer: dots to underscores,
        // _total on counters)
        String counterSource = Files.readString(RenderedChart.REPOSITORY
                .resolve("platform/kafka/src/main/java/dev/fleet/platform/kafka/DeadLetterCounter.java"));
        String metricsTest = Files.readString(RenderedChart.REPOSITORY.resolve(
                "platform/kafka/src/test/java/dev/fleet/platform/kafka/KafkaClientMetricsIntegrationTest.java"));
        assertThat(counterSource).contains("METER = \"fleet.dlq.records\"");
        assertThat(metricsTest).contains("\"kafka.consumer.fetch.manager.records.lag\"", "tag(\"group\"");
        String backlogSource = Files.readString(RenderedChart.REPOSITORY
                .resolve("platform/kafka/src/main/java/dev/fleet/platform/kafka/TenantBacklogMetrics.java"));
        assertThat(backlogSource).contains("RECORDS = \"fleet.backlog.records\"");
        String backlog = "fleet.backlog.records".replace('.', '_');
        String dlq = "fleet.dlq.records".replace('.', '_') + "_total";
        String lag = "kafka.consumer.fetch.manager.records.lag".replace('.', '_');

        // when the chart renders its alerts and dashboard
        Path chart = RenderedChart.chartCopy(dir, "templates/prometheusrule.yaml",
                "(.Capabilities.APIVersions.Has \"monitoring.coreos.com/v1\")", "true");
        RenderedChart monitored = RenderedChart.renderChart(chart, write(dir, "dashboard.yaml",
                "grafanaDashboard:\n  enabled: true\n"));
        Map<String, String> alerts = alerts(monitored);
        List<String> panels = dashboard(monitored).at("/panels").findValuesAsText("expr");

        // then they name exactly those metrics (and resilience4j's and kube-state-metrics' own)
        assertThat(alerts.get("FleetConsumerLagGrowing")).contains(lag).contains("by (group, topic)");
        assertThat(alerts.get("FleetDeadLetters")).contains(dlq).contains("by (topic)");
        assertThat(alerts.get("FleetCircuitBreakerOpen")).contains("resilience4j_circuitbreaker_state")
                .contains("state=\"open\"");
        assertThat(alerts.get("FleetReadinessFlapping")).contains("kube_pod_status_ready").contains("pod=~\"fleet-.*\"");
        assertThat(String.join("\n", panels)).contains(lag, dlq, backlog, "by (group, topic, tenant)",
                "resilience4j_circuitbreaker_state",
                "kube_pod_status_ready");
    }

    private static Map<String, String> alerts(RenderedChart chart) {
        assertThat(chart.ofKind("PrometheusRule")).hasSize(1);
        Map<String, String> alerts = new TreeMap<>();
        chart.ofKind("PrometheusRule").get(0).at("/spec/groups/0/rules")
                .forEach(rule -> alerts.put(rule.at("/alert").asText(), rule.at("/expr").asText()));
        return alerts;
    }

    private static JsonNode dashboard(RenderedChart chart) throws IOException {
        List<JsonNode> maps = chart.ofKind("ConfigMap").stream()
                .filter(map -> "1".equals(map.at("/metadata/labels/grafana_dashboard").asText())).toList();
        assertThat(maps).hasSize(1);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(maps.get(0).at("/data/fleet.json").asText());
    }

    @Test
    void onlyTheGatewayIsOpenToEveryClient() {
        RenderedChart chart = RenderedChart.render(PRODUCTION);

        assertThat(chart.named("NetworkPolicy", "fleet-gateway").at("/spec/ingress/0/from").isMissingNode()).isTrue();
        JsonNode from = chart.named("NetworkPolicy", "fleet-orchestrator").at("/spec/ingress/0/from");
        assertThat(from.get(0).at("/podSelector/matchLabels/app.kubernetes.io~1instance").asText()).isEqualTo("fleet");
        assertThat(from.get(1).at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText())
                .isEqualTo("monitoring");
    }

    private static RenderedChart render(String valuesFile) {
        return switch (valuesFile) {
            case "default" -> RenderedChart.render();
            case "production" -> RenderedChart.render(PRODUCTION);
            case "minimal" -> RenderedChart.render(MINIMAL);
            default -> throw new IllegalArgumentException(valuesFile);
        };
    }

    private static String image(RenderedChart chart, String service) {
        return chart.named("Deployment", "fleet-" + service).at("/spec/template/spec/containers/0/image").asText();
    }

    private static String decoded(JsonNode secret, String key) {
        return new String(Base64.getDecoder().decode(secret.at("/data/" + key).asText()), StandardCharsets.UTF_8);
    }

    private static Path write(Path dir, String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }
}
