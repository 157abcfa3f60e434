package dev.fleet.test;

import java.util.Map;

import org.apache.kafka.common.network.ListenerName;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A Kafka broker (KRaft, in this JVM) of one test class's own, which the code under test reaches
 * only through a {@link TcpProxy}, so the test can take Kafka away ({@link #cut()}) and give it
 * back ({@link #restore()}) while the broker, its topics and offsets stay as they were. The
 * broker advertises the proxy to clients that bootstrap through {@link #bootstrapServers()}, and
 * itself to those that bootstrap through {@link #directBootstrapServers()} (the test's own
 * producers and consumers, which a cut does not touch).
 * <p>
 * Limits: a second broker in the test JVM (a few seconds to start, ~100 MB); use it only where a
 * test must cut Kafka, everything else shares {@link SharedKafka}.
 */
public final class CuttableKafka implements AutoCloseable {

    private static final String DIRECT = "DIRECT";

    private final TcpProxy proxy;
    private final EmbeddedKafkaKraftBroker broker;
    private final String direct;

    private CuttableKafka(TcpProxy proxy, EmbeddedKafkaKraftBroker broker, String direct) {
        this.proxy = proxy;
        this.broker = broker;
        this.direct = direct;
    }

    public static CuttableKafka start() {
        TcpProxy proxy = TcpProxy.open();
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of(
                "listeners", "EXTERNAL://127.0.0.1:0," + DIRECT + "://127.0.0.1:0,CONTROLLER://127.0.0.1:0",
                "advertised.listeners", "EXTERNAL://" + proxy.address() + "," + DIRECT + "://127.0.0.1:0",
                "listener.security.protocol.map", "EXTERNAL:PLAINTEXT," + DIRECT + ":PLAINTEXT,CONTROLLER:PLAINTEXT",
                // the broker's own connections (to itself) must not go through the proxy
                "inter.broker.listener.name", DIRECT,
                "auto.create.topics.enable", "false",
                "offsets.topic.num.partitions", "1",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1"));
        broker.afterPropertiesSet();
        var server = broker.getCluster().brokers().values().iterator().next();
        int external = server.boundPort(ListenerName.normalised("EXTERNAL"));
        int directPort = server.boundPort(ListenerName.normalised(DIRECT));
        proxy.forwardTo("127.0.0.1", external);
        return new CuttableKafka(proxy, broker, "127.0.0.1:" + directPort);
    }

    /** Bootstrap servers for the code under test: every connection goes through the proxy. */
    public String bootstrapServers() {
        return proxy.address();
    }

    /** Bootstrap servers for the test's own clients: never cut. */
    public String directBootstrapServers() {
        return direct;
    }

    /** Kafka goes away for clients of {@link #bootstrapServers()}: open connections drop, new ones are refused. */
    public void cut() {
        proxy.cut();
    }

    public void restore() {
        proxy.restore();
    }

    @Override
    public void close() {
        proxy.close();
        broker.destroy();
    }
}
