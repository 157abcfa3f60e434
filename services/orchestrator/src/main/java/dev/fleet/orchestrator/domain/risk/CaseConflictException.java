package dev.fleet.orchestrator.domain.risk;

/** A review that contradicts the case's state: the case is decided, or the reviewer already reviewed it. */
public class CaseConflictException extends RuntimeException {

    private final String code;

    public CaseConflictException(String message, String code) {
        super(message, null, false, false);
        this.code = code;
    }

    /** A machine-readable code for the API: {@code case_decided} or {@code same_reviewer}. */
    public String code() {
        return code;
    }
}
