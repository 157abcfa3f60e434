package dev.fleet.test;

import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker (KRaft, in this JVM) shared by every test of the JVM: started on first
 * use, stopped when the JVM exits. Tests isolate themselves by tenant ids and request ids, not
 * by brokers. Set {@code FLEET_TEST_KAFKA} to use an already-running broker instead.
 */
public final class SharedKafka {

    private static EmbeddedKafkaKraftBroker broker;
    private static String bootstrapServers;

    private SharedKafka() {
    }

    /** The broker's bootstrap servers, starting it if needed. */
    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            String external = System.getenv("FLEET_TEST_KAFKA");
            if (external != null && !external.isBlank()) {
                bootstrapServers = external;
            } else {
                EmbeddedKafkaKraftBroker kraft = new EmbeddedKafkaKraftBroker(1, 1);
                kraft.brokerProperties(Map.of(
                                "auto.create.topics.enable", "false",
                                "offsets.topic.num.partitions", "5",
                                "transaction.state.log.replication.factor", "1",
                                "transaction.state.log.min.isr", "1",
                                "group.initial.rebalance.delay.ms", "0"));
                kraft.afterPropertiesSet();
                broker = kraft;
                bootstrapServers = broker.getBrokersAsString();
                Runtime.getRuntime().addShutdownHook(new Thread(SharedKafka::stop, "shared-kafka-stop"));
            }
        }
        return bootstrapServers;
    }

    private static synchronized void stop() {
        if (broker != null) {
            broker.destroy();
            broker = null;
        }
    }
}
