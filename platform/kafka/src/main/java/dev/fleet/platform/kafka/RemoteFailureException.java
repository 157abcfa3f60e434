package dev.fleet.platform.kafka;

import dev.fleet.events.v1.ReplyError;
import dev.fleet.schemas.OpenAiNames;

/**
 * A service answered a request over Kafka with an error; the message starts with the error's wire
 * code, e.g. {@code model_not_found: …}.
 */
public class RemoteFailureException extends RuntimeException {

    private final transient ReplyError error;

    public RemoteFailureException(ReplyError error) {
        super(OpenAiNames.of(error.getCode()) + ": " + error.getMessage(), null, false, false);
        this.error = error;
    }

    public ReplyError error() {
        return error;
    }
}
