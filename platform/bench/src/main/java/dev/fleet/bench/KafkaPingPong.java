package dev.fleet.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What two Kafka hops cost on a broker, as the fleet's chat path uses them: produce a request,
 * consume it on the other side, produce a reply, consume the reply — one at a time, timed on the
 * requesting side. Producers as the fleet's ({@code acks=all}, idempotent; {@code linger.ms} is a
 * flag, 0 by default: the bare cost), consumers {@code read_committed}, assigned (no group
 * rebalancing), plain bytes of a chat request's size (the serde costs microseconds).
 * Creates two one-partition topics {@code fleet.bench.ping|pong.<random>} and deletes them after.
 * <pre>java -cp … dev.fleet.bench.KafkaPingPong [--bootstrap 127.0.0.1:9092] [--count 2000] [--warmup 200]
 *     [--linger-ms 0] [--bytes 400]</pre>
 * Prints {@code pingpong count=… p50_ms=… p99_ms=… max_ms=…}.
 */
public final class KafkaPingPong {

    private KafkaPingPong() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = Flags.parse(args, Map.of("bootstrap", "127.0.0.1:9092", "count", "2000",
                "warmup", "200", "linger-ms", "0", "bytes", "400"));
        String bootstrap = flags.get("bootstrap");
        int count = Integer.parseInt(flags.get("count"));
        int warmup = Integer.parseInt(flags.get("warmup"));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String ping = "fleet.bench.ping." + suffix;
        String pong = "fleet.bench.pong." + suffix;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(ping, 1, (short) 1), new NewTopic(pong, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            try {
                List<Long> rtts = run(bootstrap, flags.get("linger-ms"), ping, pong, warmup + count,
                        new byte[Integer.parseInt(flags.get("bytes"))]);
                System.out.println(Percentiles.of(rtts.subList(warmup, rtts.size())).line("pingpong"));
            } finally {
                admin.deleteTopics(List.of(ping, pong)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<Long> run(String bootstrap, String lingerMs, String ping, String pong, int rounds,
            byte[] payload) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread echo = new Thread(() -> echo(bootstrap, lingerMs, ping, pong, running), "pingpong-echo");
        echo.start();
        List<Long> rtts = new ArrayList<>(rounds);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, lingerMs);
                KafkaConsumer<byte[], byte[]> replies = consumer(bootstrap, pong)) {
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(ping, payload));
                int got = 0;
                long deadline = start + TimeUnit.SECONDS.toNanos(30);
                while (got == 0) {
                    got = replies.poll(Duration.ofSeconds(1)).count();
                    if (got == 0 && System.nanoTime() > deadline) {
                        throw new IllegalStateException("no reply within 30 s in round " + i);
                    }
                }
                rtts.add(System.nanoTime() - start);
            }
        } finally {
            running.set(false);
            echo.join(10_000);
        }
        return rtts;
    }

    /** The other side: every request read from {@code ping} is answered on {@code pong}. */
    private static void echo(String bootstrap, String lingerMs, String ping, String pong, AtomicBoolean running) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, lingerMs);
                KafkaConsumer<byte[], byte[]> requests = consumer(bootstrap, ping)) {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> request : requests.poll(Duration.ofMillis(200))) {
                    producer.send(new ProducerRecord<>(pong, request.value()));
                }
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, String lingerMs) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, Integer.parseInt(lingerMs));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(config);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config);
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(Set.of(partition));
        consumer.seekToEnd(Set.of(partition));
        consumer.position(partition);
        return consumer;
    }
}
