package dev.fleet.orchestrator.domain.audit;

/**
 * The audit service answered that it could not serve the query: {@link #invalidRequest()} when the
 * query itself was wrong (e.g. a limit above the audit service's maximum page size), otherwise the
 * log could not be read there.
 */
public class AuditQueryRejectedException extends RuntimeException {

    private final boolean invalidRequest;

    public AuditQueryRejectedException(String message, boolean invalidRequest) {
        super(message);
        this.invalidRequest = invalidRequest;
    }

    /** True when the query was invalid (a 400 for a caller), false when the audit service failed. */
    public boolean invalidRequest() {
        return invalidRequest;
    }
}
