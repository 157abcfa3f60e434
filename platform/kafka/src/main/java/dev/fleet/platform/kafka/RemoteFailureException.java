package dev.fleet.platform.kafka;

import dev.fleet.events.v1.ReplyError;

/** A service answered a request over Kafka with an error. */
public class RemoteFailureException extends RuntimeException {

    private final transient ReplyError error;

    public RemoteFailureException(ReplyError error) {
        super(error.getCode() + ": " + error.getMessage(), null, false, false);
        this.error = error;
    }

    public ReplyError error() {
        return error;
    }
}
