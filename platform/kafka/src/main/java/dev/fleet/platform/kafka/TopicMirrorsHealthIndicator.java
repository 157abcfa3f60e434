package dev.fleet.platform.kafka;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** DOWN until every mirror has read what its topic held at start-up; part of the readiness group. */
public class TopicMirrorsHealthIndicator extends AbstractHealthIndicator {

    private final TopicMirrors mirrors;

    public TopicMirrorsHealthIndicator(TopicMirrors mirrors) {
        this.mirrors = mirrors;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean ready = true;
        for (TopicMirror<?> mirror : mirrors.all()) {
            boolean caughtUp = mirror.isRunning() && mirror.isCaughtUp();
            builder.withDetail(mirror.topic().name(), caughtUp ? "caught up" : "catching up");
            ready &= caughtUp;
        }
        if (ready) {
            builder.up();
        } else {
            builder.outOfService();
        }
    }
}
