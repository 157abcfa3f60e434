package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ReplyError;

/**
 * Why a chat request could not be answered, in OpenAI's error vocabulary ({@code type} and
 * {@code code}); the message is shown to the client, so it must not contain secrets.
 */
public class ChatFailure extends RuntimeException {

    private final ErrorType type;
    private final ErrorCode code;

    public ChatFailure(ErrorType type, ErrorCode code, String message) {
        super(message, null, false, false);
        this.type = type;
        this.code = code;
    }

    public static ChatFailure modelNotFound(String model) {
        return new ChatFailure(ErrorType.INVALID_REQUEST_ERROR, ErrorCode.MODEL_NOT_FOUND,
                "The model '" + model + "' does not exist");
    }

    public static ChatFailure invalidRequest(String message) {
        return new ChatFailure(ErrorType.INVALID_REQUEST_ERROR, ErrorCode.INVALID_REQUEST, message);
    }

    /**
     * Something the request names does not exist for its tenant (e.g. another tenant's conversation);
     * the gateway answers 404.
     */
    public static ChatFailure notFound(String message) {
        return new ChatFailure(ErrorType.NOT_FOUND_ERROR, ErrorCode.INVALID_REQUEST, message);
    }

    public static ChatFailure providerUnavailable(String message) {
        return new ChatFailure(ErrorType.SERVER_ERROR, ErrorCode.PROVIDER_UNAVAILABLE, message);
    }

    public static ChatFailure timeout(String message) {
        return new ChatFailure(ErrorType.SERVER_ERROR, ErrorCode.TIMEOUT, message);
    }

    /** {@code error} itself when it is a ChatFailure, otherwise an internal error that hides the details. */
    public static ChatFailure of(Throwable error) {
        return error instanceof ChatFailure failure ? failure
                : new ChatFailure(ErrorType.SERVER_ERROR, ErrorCode.INTERNAL_ERROR,
                        "The completion failed unexpectedly");
    }

    public ErrorType type() {
        return type;
    }

    public ErrorCode code() {
        return code;
    }

    public ReplyError toReplyError() {
        return new ReplyError(type, code, getMessage());
    }
}
