package dev.fleet.gateway.domain.ratelimit;

import java.util.function.LongSupplier;

/**
 * Requests and tokens admitted per second, over the last whole second: enough to size a prefetch.
 * Not thread-safe; its owner holds a lock.
 */
final class DemandMeter {

    private static final long SECOND = 1_000_000_000L;

    private final LongSupplier nanoTime;
    private long bucketStart;
    private long requests;
    private long tokens;
    private long lastRequests;
    private long lastTokens;

    DemandMeter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.bucketStart = nanoTime.getAsLong();
    }

    void record(long requestCount, long tokenCount) {
        roll();
        requests += requestCount;
        tokens += tokenCount;
    }

    double requestsPerSecond() {
        roll();
        return Math.max(lastRequests, requests);
    }

    double tokensPerSecond() {
        roll();
        return Math.max(lastTokens, tokens);
    }

    private void roll() {
        long now = nanoTime.getAsLong();
        long elapsed = now - bucketStart;
        if (elapsed < SECOND) {
            return;
        }
        if (elapsed < 2 * SECOND) {
            lastRequests = requests;
            lastTokens = tokens;
        } else {
            lastRequests = 0;
            lastTokens = 0;
        }
        requests = 0;
        tokens = 0;
        bucketStart = now - (elapsed % SECOND);
    }
}
