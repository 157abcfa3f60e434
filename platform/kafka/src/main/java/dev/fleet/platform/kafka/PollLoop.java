package dev.fleet.platform.kafka;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that owns one raw {@link KafkaConsumer} outside a listener container: polls, hands each
 * record to its owner, survives broker hiccups (logs, pauses a second, polls again from where it
 * was), and on {@link #stop} leaves {@code poll()} and closes the consumer. Used by
 * {@link TopicMirror} and {@link ReplyConsumer}.
 */
final class PollLoop {

    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    private static final Duration PAUSE_AFTER_ERROR = Duration.ofSeconds(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    private static final long JOIN_MILLIS = 5_000;

    /** What the loop does with its consumer, on the loop's thread. */
    interface Owner {

        /** One polled record. */
        void accept(ConsumerRecord<byte[], byte[]> record);

        /** After each poll, its records handled. */
        default void afterPoll(KafkaConsumer<byte[], byte[]> consumer) {
        }

        /** After the consumer was closed. */
        default void closed() {
        }
    }

    private final String name;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration pollTimeout;
    private final Owner owner;
    private final Thread thread;
    private volatile boolean running = true;

    private PollLoop(String name, KafkaConsumer<byte[], byte[]> consumer, Duration pollTimeout, Owner owner) {
        this.name = name;
        this.consumer = consumer;
        this.pollTimeout = pollTimeout;
        this.owner = owner;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Starts a daemon thread named {@code name} polling {@code consumer} for {@code owner}. */
    static PollLoop start(String name, KafkaConsumer<byte[], byte[]> consumer, Duration pollTimeout, Owner owner) {
        PollLoop loop = new PollLoop(name, consumer, pollTimeout, owner);
        loop.thread.start();
        return loop;
    }

    boolean isRunning() {
        return running;
    }

    /** Leaves {@code poll()}, closes the consumer and waits (bounded) for the thread to end. */
    void stop() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> raw : consumer.poll(pollTimeout)) {
                        owner.accept(raw);
                    }
                    owner.afterPoll(consumer);
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // a broker hiccup must not end the loop; the consumer resumes from its position
                    log.warn("{}: {}; polling again", name, e.toString());
                    pause();
                }
            }
        } catch (WakeupException e) {
            // stop() asked us to leave poll()
        } finally {
            running = false;
            consumer.close(CLOSE_TIMEOUT);
            owner.closed();
        }
    }

    private void pause() {
        try {
            Thread.sleep(PAUSE_AFTER_ERROR.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
