package dev.fleet.test;

import java.util.Locale;
import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One real Kafka broker shared by every test of the JVM: started on first use, stopped when the
 * JVM exits. Tests isolate themselves by tenant ids and request ids, not by brokers. Which broker
 * it is, {@link TestInfrastructure} decides: a {@link KafkaContainer} ({@value #IMAGE}) where
 * Docker exists, else a KRaft broker in this JVM; both with the same {@link #BROKER_PROPERTIES}.
 * Set {@code FLEET_TEST_KAFKA} to use an already-running broker instead.
 */
public final class SharedKafka {

    static final String IMAGE = "apache/kafka:3.9.1";

    /** The broker settings the fleet's tests rely on, whichever the broker. */
    static final Map<String, String> BROKER_PROPERTIES = Map.of(
            "auto.create.topics.enable", "false",
            "offsets.topic.num.partitions", "5",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0");

    private static AutoCloseable broker;
    private static String bootstrapServers;

    private SharedKafka() {
    }

    /** The broker's bootstrap servers, starting it if needed. */
    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            String external = System.getenv("FLEET_TEST_KAFKA");
            if (external != null && !external.isBlank()) {
                bootstrapServers = external;
            } else if (TestInfrastructure.current() == TestInfrastructure.CONTAINERS) {
                KafkaContainer container = container();
                container.start();
                broker = container;
                bootstrapServers = container.getBootstrapServers();
                // as the in-JVM broker does, for code that reads the system properties
                System.setProperty("spring.kafka.bootstrap-servers", bootstrapServers);
                System.setProperty(EmbeddedKafkaKraftBroker.SPRING_EMBEDDED_KAFKA_BROKERS, bootstrapServers);
            } else {
                EmbeddedKafkaKraftBroker kraft = new EmbeddedKafkaKraftBroker(1, 1);
                kraft.brokerProperties(BROKER_PROPERTIES);
                kraft.afterPropertiesSet();
                broker = kraft::destroy;
                bootstrapServers = kraft.getBrokersAsString();
            }
            if (broker != null) {
                Runtime.getRuntime().addShutdownHook(new Thread(SharedKafka::stop, "shared-kafka-stop"));
            }
        }
        return bootstrapServers;
    }

    /** A Kafka container configured like the in-JVM broker, not started. */
    static KafkaContainer container() {
        KafkaContainer container = new KafkaContainer(IMAGE);
        // the apache/kafka image maps KAFKA_X_Y onto the broker property x.y
        BROKER_PROPERTIES.forEach((name, value) -> container.withEnv(
                "KAFKA_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return container;
    }

    private static synchronized void stop() {
        if (broker != null) {
            try {
                broker.close();
            } catch (Exception e) {
                // the JVM is exiting; Testcontainers' Ryuk removes a container left behind
            }
            broker = null;
        }
    }
}
