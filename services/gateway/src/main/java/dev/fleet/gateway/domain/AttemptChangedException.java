package dev.fleet.gateway.domain;

/**
 * The orchestrator started answering a chat request again (its request was redelivered) after part
 * of the first answer had been streamed to the client: the stream cannot be continued without
 * splicing two generations, so it ends with this error. Retrying the request is safe.
 */
public class AttemptChangedException extends RuntimeException {

    public AttemptChangedException(String requestId) {
        super("the answer to request " + requestId + " was restarted after part of it had been sent; "
                + "retry the request");
    }
}
