package dev.fleet.gateway.domain;

/** A request could not be handed to the event bus (broker down, publish not acknowledged in time). */
public class EventBusUnavailableException extends RuntimeException {

    public EventBusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
