package dev.fleet.platform.kafka;

/**
 * The first record a {@link MirrorOptions.OnUnreadable#FAIL_READINESS} mirror could not decode or
 * apply: where it is and why (the exception's class and message of the root cause, never the
 * record's bytes).
 */
public record MirrorFailure(String topic, int partition, long offset, String reason) {

    /** One line for health details and logs. */
    public String describe() {
        return "unreadable record at partition " + partition + ", offset " + offset + " (dead-lettered): " + reason;
    }
}
