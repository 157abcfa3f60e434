package dev.fleet.gateway.domain;

/** The caller's tenant has no stored response with this id (never stored, expired, deleted, or another tenant's). */
public class ResponseNotFoundException extends RuntimeException {

    private final String responseId;

    public ResponseNotFoundException(String responseId) {
        super("Response with id '" + responseId + "' not found.", null, false, false);
        this.responseId = responseId;
    }

    public String responseId() {
        return responseId;
    }
}
