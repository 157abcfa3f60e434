package dev.fleet.orchestrator.domain;

/** How the handling of one chat request ended. */
public enum ChatOutcome {
    /** Answered; the last chunk has finishReason {@code STOP}. */
    SUCCEEDED,
    /** Answered with an error chunk. */
    FAILED,
    /** Already answered before (a redelivery): nothing was sent. */
    DUPLICATE
}
