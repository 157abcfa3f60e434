package dev.fleet.gateway.domain;

/**
 * An upsert would take its tenant over the items or bytes it may store; nothing is published (429
 * {@code quota_exceeded}). It stays refused until the tenant deletes items or its limit is raised.
 */
public class ItemQuotaExceededException extends RuntimeException {

    public ItemQuotaExceededException(String what, long stored, long adding, long limit) {
        super("storing " + adding + " more " + what + " would exceed the tenant's limit of " + limit + " " + what
                + " (" + stored + " stored or being stored)");
    }
}
