package dev.fleet.metering.domain;

/** The usage state cannot be read right now (not started, restoring or rebalancing); try again shortly. */
public class UsageNotQueryableException extends RuntimeException {

    public UsageNotQueryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
