package dev.fleet.gateway.domain.ratelimit;

/**
 * A budget as this replica sees it, for OpenAI's {@code x-ratelimit-*} headers: each limit, what is
 * left of it (what the owner had left at its last grant plus what this replica still holds), and
 * the time until the window resets. A limit of {@code 0} means none.
 */
public record BudgetStatus(int limitRequests, long remainingRequests, long limitTokens, long remainingTokens,
        long resetMillis) {

    public static final BudgetStatus UNLIMITED = new BudgetStatus(0, 0, 0, 0, 0);
}
