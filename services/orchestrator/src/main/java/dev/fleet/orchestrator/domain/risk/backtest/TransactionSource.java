package dev.fleet.orchestrator.domain.risk.backtest;

import java.time.Instant;
import java.util.function.Consumer;

import dev.fleet.events.v1.TransactionSubmitted;

/** Where a backtest reads transactions: {@code fleet.transactions.v1}, outside any consumer group. */
public interface TransactionSource {

    /**
     * Hands {@code sink} every transaction written since {@code startAt} (by record time), in each
     * partition's order, up to what the topic held when the read began; a partition is left once its
     * records are written after {@code stopAfter}. Blocks until done.
     *
     * @param progress told after each batch how many records were read of how many there are to read
     * @return how many records could not be decoded (skipped)
     */
    long read(Instant startAt, Instant stopAfter, Consumer<TransactionSubmitted> sink, Progress progress);

    /** How far a read is. */
    @FunctionalInterface
    interface Progress {

        void update(long read, long total);
    }
}
