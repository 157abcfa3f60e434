package dev.fleet.platform.kafka;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Part of the readiness group. OUT_OF_SERVICE until every mirror has read what its topic held at
 * start-up; DOWN while a mirror whose options say so holds a record it could not read and that no
 * later record of its key has superseded (the detail names the topic, partition and offset). Each mirror is a detail keyed by its topic.
 */
public class TopicMirrorsHealthIndicator extends AbstractHealthIndicator {

    private final TopicMirrors mirrors;

    public TopicMirrorsHealthIndicator(TopicMirrors mirrors) {
        this.mirrors = mirrors;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean ready = true;
        boolean failed = false;
        for (TopicMirror<?> mirror : mirrors.all()) {
            var failure = mirror.failure();
            boolean caughtUp = mirror.isRunning() && mirror.isCaughtUp();
            String state = failure.map(MirrorFailure::describe).orElse(caughtUp ? "caught up" : "catching up");
            builder.withDetail(mirror.topic().name(), state);
            ready &= caughtUp;
            failed |= failure.isPresent();
        }
        if (failed) {
            builder.down();
        } else if (ready) {
            builder.up();
        } else {
            builder.outOfService();
        }
    }
}
