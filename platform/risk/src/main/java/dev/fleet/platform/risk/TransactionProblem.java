package dev.fleet.platform.risk;

/**
 * Why a transaction cannot be scored.
 *
 * @param field the field at fault, as named in {@code TransactionSubmitted} (e.g. {@code accountId})
 * @param message what is wrong with it
 */
public record TransactionProblem(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
