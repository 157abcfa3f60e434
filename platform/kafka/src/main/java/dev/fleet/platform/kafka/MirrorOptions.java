package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.Objects;

/**
 * How one {@link TopicMirror} treats a record it cannot decode or apply, and how long a
 * {@linkplain TopicMirror#catchUp() catch-up} may take before it fails.
 *
 * @param onUnreadable   what an unreadable record does besides going to {@code <topic>.dlq}
 * @param catchUpTimeout longest a catch-up to the topic's end offsets may take
 */
public record MirrorOptions(OnUnreadable onUnreadable, Duration catchUpTimeout) {

    /** Skip-and-dead-letter, catch-ups bounded at 2 s: right for views a lost record cannot make unsafe. */
    public static final MirrorOptions DEFAULTS = new MirrorOptions(OnUnreadable.SKIP, Duration.ofSeconds(2));

    /** What an unreadable record does, besides going to the dead-letter topic. */
    public enum OnUnreadable {
        /** The mirror goes on as if the record had not been there. */
        SKIP,
        /**
         * The mirror goes on with later records but reports the failure, which takes readiness down
         * until a later record of the same key is applied (on a compacted topic it carries the whole
         * state): for views where a skipped record would be unsafe (a skipped key revocation leaves
         * the key valid).
         */
        FAIL_READINESS
    }

    public MirrorOptions {
        Objects.requireNonNull(onUnreadable, "onUnreadable");
        Objects.requireNonNull(catchUpTimeout, "catchUpTimeout");
        if (catchUpTimeout.isNegative() || catchUpTimeout.isZero()) {
            throw new IllegalArgumentException("catchUpTimeout must be positive");
        }
    }

    /** These options with {@code onUnreadable} = {@link OnUnreadable#FAIL_READINESS}. */
    public MirrorOptions failReadinessOnUnreadable() {
        return new MirrorOptions(OnUnreadable.FAIL_READINESS, catchUpTimeout);
    }

    /** These options with another catch-up bound. */
    public MirrorOptions withCatchUpTimeout(Duration timeout) {
        return new MirrorOptions(onUnreadable, timeout);
    }
}
