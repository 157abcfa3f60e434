package dev.fleet.gateway.domain;

import dev.fleet.events.v1.ReplyError;

/** A fleet service answered a request with an error (OpenAI vocabulary: type, code, message). */
public class UpstreamFailureException extends RuntimeException {

    private final transient ReplyError error;

    public UpstreamFailureException(ReplyError error) {
        super(error.getCode() + ": " + error.getMessage(), null, false, false);
        this.error = error;
    }

    public ReplyError error() {
        return error;
    }
}
