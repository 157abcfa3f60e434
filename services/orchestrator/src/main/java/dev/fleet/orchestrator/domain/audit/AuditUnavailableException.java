package dev.fleet.orchestrator.domain.audit;

/** The audit service could not be asked, or did not answer in time: the audit log cannot be shown now (retryable). */
public class AuditUnavailableException extends RuntimeException {

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
