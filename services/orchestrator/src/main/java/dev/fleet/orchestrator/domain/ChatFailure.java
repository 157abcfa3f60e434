package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.ReplyError;

/**
 * Why a chat request could not be answered, in OpenAI's error vocabulary ({@code type} and
 * {@code code}); the message is shown to the client, so it must not contain secrets.
 */
public class ChatFailure extends RuntimeException {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String SERVER_ERROR = "server_error";

    private final String type;
    private final String code;

    public ChatFailure(String type, String code, String message) {
        super(message, null, false, false);
        this.type = type;
        this.code = code;
    }

    public static ChatFailure modelNotFound(String model) {
        return new ChatFailure(INVALID_REQUEST, "model_not_found", "The model '" + model + "' does not exist");
    }

    public static ChatFailure invalidRequest(String message) {
        return new ChatFailure(INVALID_REQUEST, "invalid_request", message);
    }

    public static ChatFailure providerUnavailable(String message) {
        return new ChatFailure(SERVER_ERROR, "provider_unavailable", message);
    }

    public static ChatFailure timeout(String message) {
        return new ChatFailure(SERVER_ERROR, "timeout", message);
    }

    /** {@code error} itself when it is a ChatFailure, otherwise an internal error that hides the details. */
    public static ChatFailure of(Throwable error) {
        return error instanceof ChatFailure failure ? failure
                : new ChatFailure(SERVER_ERROR, "internal_error", "The completion failed unexpectedly");
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public ReplyError toReplyError() {
        return new ReplyError(type, code, getMessage());
    }
}
