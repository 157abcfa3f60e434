package dev.fleet.orchestrator.domain;

/**
 * The event bus did not acknowledge a change's records in time (or at all): the change must roll
 * back, and the admin client may retry. The message never holds a key or a payload.
 */
public class ChangeNotDeliveredException extends RuntimeException {

    public ChangeNotDeliveredException(String message, Throwable cause) {
        super(message, cause);
    }
}
