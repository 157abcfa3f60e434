package dev.fleet.orchestrator.messaging;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.springframework.context.SmartLifecycle;

import dev.fleet.orchestrator.domain.console.ConsoleUsage;
import dev.fleet.orchestrator.domain.console.ExperimentResults;
import dev.fleet.platform.kafka.MirrorOptions;
import dev.fleet.platform.kafka.TopicMirror;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

/**
 * Feeds the admin console's read models from the topics usage-metering and the fleet's services own:
 * {@code fleet.usage.rollups.v1}, {@code fleet.quota.status.v1} and {@code fleet.billing.lines.v1}
 * into {@link ConsoleUsage}, {@code fleet.domain.events.v1} into {@link ExperimentResults}; each
 * group-less, from the beginning, then following (see {@link TopicMirror}). An unreadable record goes
 * to the dead-letter topic and the feed goes on.
 * <p>
 * The mirrors are a {@linkplain TopicMirrors#sibling() set of their own}, started with the application
 * but not in the readiness group (health contributor {@code consoleMirrors}): the console is a view for
 * people, and replaying the long-retention domain events must not keep a replica from serving chat
 * (decision 0043).
 */
public class ConsoleFeeds implements SmartLifecycle {

    /** Catch-ups may replay a lot of the domain events; a person waits longer than a request does. */
    static final MirrorOptions OPTIONS = MirrorOptions.DEFAULTS.withCatchUpTimeout(Duration.ofSeconds(10));

    private final TopicMirrors mirrors;

    public ConsoleFeeds(TopicMirrors fleetMirrors, ConsoleUsage usage, ExperimentResults experiments) {
        this.mirrors = fleetMirrors.sibling();
        mirrors.fromBeginning(FleetTopics.USAGE_ROLLUPS, OPTIONS, record -> usage.applyRollup(record.key(), record.value()));
        mirrors.fromBeginning(FleetTopics.QUOTA_STATUS, OPTIONS, record -> usage.applyQuota(record.key(), record.value()));
        mirrors.fromBeginning(FleetTopics.BILLING_LINES, OPTIONS,
                record -> usage.applyInvoiceLine(record.key(), record.value()));
        mirrors.fromBeginning(FleetTopics.DOMAIN_EVENTS, OPTIONS, record -> experiments.apply(record.value()));
    }

    /** The console's mirrors, for their health indicator. */
    public TopicMirrors mirrors() {
        return mirrors;
    }

    /** Whether every console mirror has applied what its topic held when it started (a page may say "catching up"). */
    public boolean isCaughtUp() {
        List<TopicMirror<?>> all = mirrors.all();
        return all.stream().allMatch(m -> m.isRunning() && m.isCaughtUp());
    }

    /**
     * Completes once every console mirror has applied what its topic holds at this call (a page that
     * must reflect a change it just caused); fails after the mirrors' catch-up bound.
     */
    public CompletableFuture<Void> catchUp() {
        return CompletableFuture.allOf(mirrors.all().stream().map(TopicMirror::catchUp)
                .toArray(CompletableFuture[]::new));
    }

    @Override
    public void start() {
        mirrors.start();
    }

    @Override
    public void stop() {
        mirrors.stop();
    }

    @Override
    public boolean isRunning() {
        return mirrors.isRunning();
    }

    @Override
    public int getPhase() {
        return mirrors.getPhase();
    }
}
