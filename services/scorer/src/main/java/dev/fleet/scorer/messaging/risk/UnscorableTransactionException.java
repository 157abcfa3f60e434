package dev.fleet.scorer.messaging.risk;

/** Why a decoded transaction record cannot be scored; its message is the dead letter's reason. */
final class UnscorableTransactionException extends RuntimeException {

    UnscorableTransactionException(String message) {
        super(message);
    }
}
