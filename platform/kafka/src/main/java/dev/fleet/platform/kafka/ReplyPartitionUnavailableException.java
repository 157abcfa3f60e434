package dev.fleet.platform.kafka;

/**
 * This replica cannot receive replies on a reply topic: it owns none of its partitions (not yet
 * assigned, or more replicas than partitions), or a rebalance took away the partition a pending
 * request was pinned to. Retryable: the same request sent again (to this or another replica)
 * can succeed.
 */
public class ReplyPartitionUnavailableException extends RuntimeException {

    public ReplyPartitionUnavailableException(String message) {
        super(message);
    }
}
