package dev.fleet.platform.kafka;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Maps the deployment's {@code FLEET_KAFKA_*} environment variables onto Spring properties, so one
 * set of variables (what the Helm chart sets) reaches every Kafka client of a service: producers,
 * consumers, admin clients, reply and mirror consumers and the Kafka Streams apps all build their
 * configuration from Spring's {@code KafkaProperties}, whose {@code spring.kafka.properties.*} is
 * applied to each of them last.
 *
 * <ul>
 * <li>client security: {@code FLEET_KAFKA_SECURITY_PROTOCOL}, {@code FLEET_KAFKA_SASL_MECHANISM},
 *     {@code FLEET_KAFKA_SASL_JAAS_CONFIG} (or {@code FLEET_KAFKA_SASL_USERNAME} +
 *     {@code FLEET_KAFKA_SASL_PASSWORD}, from which the SCRAM or PLAIN login module line is built),
 *     {@code FLEET_KAFKA_SSL_TRUSTSTORE_LOCATION/PASSWORD/TYPE},
 *     {@code FLEET_KAFKA_SSL_KEYSTORE_LOCATION/PASSWORD/TYPE}, {@code FLEET_KAFKA_SSL_KEY_PASSWORD};</li>
 * <li>any other client property: {@code FLEET_KAFKA_PROPERTIES_<NAME>}, the name lower-cased with
 *     {@code _} for {@code .} ({@code FLEET_KAFKA_PROPERTIES_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM});</li>
 * <li>topic provisioning: {@code FLEET_KAFKA_REPLICATION_FACTOR}, {@code FLEET_KAFKA_MIN_INSYNC_REPLICAS}
 *     (also for the Streams apps' internal topics) and {@code FLEET_KAFKA_TOPIC_PARTITIONS}
 *     ({@code topic=count,topic=count});</li>
 * <li>{@code FLEET_KAFKA_CLIENT_METRICS_REFRESH}: how often consumers' new client metrics are bound (10s).</li>
 * </ul>
 *
 * A blank named variable counts as unset (a template may render one empty); a blank
 * {@code FLEET_KAFKA_PROPERTIES_*} is passed on as an empty value. The mapped properties rank just below the environment itself, so an explicit
 * {@code SPRING_KAFKA_PROPERTIES_*} still wins. Limits: a client property whose name contains
 * {@code _} or {@code -} cannot be passed through (Kafka has none today).
 */
public class FleetKafkaEnvironment implements EnvironmentPostProcessor {

    static final String PROPERTY_SOURCE = "fleetKafkaEnvironment";
    static final String PASSTHROUGH_PREFIX = "FLEET_KAFKA_PROPERTIES_";
    private static final String CLIENT = "spring.kafka.properties.";
    private static final String STREAMS = "spring.kafka.streams.properties.";

    private static final Map<String, String> CLIENT_VARIABLES = Map.of(
            "FLEET_KAFKA_SECURITY_PROTOCOL", "security.protocol",
            "FLEET_KAFKA_SASL_MECHANISM", "sasl.mechanism",
            "FLEET_KAFKA_SASL_JAAS_CONFIG", "sasl.jaas.config",
            "FLEET_KAFKA_SSL_TRUSTSTORE_LOCATION", "ssl.truststore.location",
            "FLEET_KAFKA_SSL_TRUSTSTORE_PASSWORD", "ssl.truststore.password",
            "FLEET_KAFKA_SSL_TRUSTSTORE_TYPE", "ssl.truststore.type",
            "FLEET_KAFKA_SSL_KEYSTORE_LOCATION", "ssl.keystore.location",
            "FLEET_KAFKA_SSL_KEYSTORE_PASSWORD", "ssl.keystore.password",
            "FLEET_KAFKA_SSL_KEYSTORE_TYPE", "ssl.keystore.type",
            "FLEET_KAFKA_SSL_KEY_PASSWORD", "ssl.key.password");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> properties = springProperties(environment.getSystemEnvironment());
        if (properties.isEmpty()) {
            return;
        }
        FleetPropertySources.belowEnvironment(environment, new MapPropertySource(PROPERTY_SOURCE, properties));
    }

    /** The Spring properties that {@code environment}'s {@code FLEET_KAFKA_*} variables stand for. */
    static Map<String, Object> springProperties(Map<String, ?> environment) {
        Map<String, Object> properties = new LinkedHashMap<>();
        clientProperties(environment).forEach((name, value) -> properties.put(CLIENT + name, value));
        String replication = value(environment, "FLEET_KAFKA_REPLICATION_FACTOR");
        if (replication != null) {
            properties.put("fleet.kafka.replication-factor", replication);
            properties.put(STREAMS + "replication.factor", replication);
        }
        String minInsync = value(environment, "FLEET_KAFKA_MIN_INSYNC_REPLICAS");
        if (minInsync != null) {
            properties.put("fleet.kafka.min-insync-replicas", minInsync);
            properties.put(STREAMS + "topic.min.insync.replicas", minInsync);
        }
        String refresh = value(environment, "FLEET_KAFKA_CLIENT_METRICS_REFRESH");
        if (refresh != null) {
            properties.put("fleet.kafka.client-metrics-refresh", refresh);
        }
        String partitions = value(environment, "FLEET_KAFKA_TOPIC_PARTITIONS");
        if (partitions != null) {
            for (String entry : partitions.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                int equals = entry.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException(
                            "FLEET_KAFKA_TOPIC_PARTITIONS: expected topic=count, got '" + entry.trim() + "'");
                }
                properties.put("fleet.kafka.partitions[" + entry.substring(0, equals).trim() + "]",
                        entry.substring(equals + 1).trim());
            }
        }
        return properties;
    }

    /** The Kafka client properties that {@code environment}'s {@code FLEET_KAFKA_*} variables stand for. */
    static Map<String, String> clientProperties(Map<String, ?> environment) {
        Map<String, String> client = new LinkedHashMap<>();
        environment.keySet().stream().filter(name -> name.startsWith(PASSTHROUGH_PREFIX)).sorted()
                .forEach(name -> {
                    // an empty value is passed on: it means something (ssl.endpoint.identification.algorithm)
                    Object value = environment.get(name);
                    if (value != null && name.length() > PASSTHROUGH_PREFIX.length()) {
                        client.put(name.substring(PASSTHROUGH_PREFIX.length()).toLowerCase(Locale.ROOT)
                                .replace('_', '.'), value.toString());
                    }
                });
        CLIENT_VARIABLES.forEach((variable, property) -> {
            String value = value(environment, variable);
            if (value != null) {
                client.put(property, value);
            }
        });
        String username = value(environment, "FLEET_KAFKA_SASL_USERNAME");
        if (username != null && !client.containsKey("sasl.jaas.config")) {
            String password = value(environment, "FLEET_KAFKA_SASL_PASSWORD");
            client.put("sasl.jaas.config", jaasConfig(client.get("sasl.mechanism"), username,
                    password == null ? "" : password));
        }
        return client;
    }

    /** The JAAS login line for {@code mechanism} (PLAIN, or one of the SCRAM mechanisms). */
    static String jaasConfig(String mechanism, String username, String password) {
        String module;
        if (mechanism == null || mechanism.equals("PLAIN")) {
            module = "org.apache.kafka.common.security.plain.PlainLoginModule";
        } else if (mechanism.startsWith("SCRAM-")) {
            module = "org.apache.kafka.common.security.scram.ScramLoginModule";
        } else {
            throw new IllegalArgumentException("FLEET_KAFKA_SASL_USERNAME works with PLAIN or SCRAM-SHA-256/512, not "
                    + mechanism + "; set FLEET_KAFKA_SASL_JAAS_CONFIG instead");
        }
        return module + " required username=\"" + quoted(username) + "\" password=\"" + quoted(password) + "\";";
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String value(Map<String, ?> environment, String name) {
        Object value = environment.get(name);
        return value == null || value.toString().isBlank() ? null : value.toString();
    }
}
