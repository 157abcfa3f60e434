package dev.fleet.gateway.domain;

/**
 * A request would not fit into one record of its topic (the broker's {@code max.message.bytes});
 * it is refused before anything is published. The client's fault: the web layer answers 400.
 */
public class RequestTooLargeException extends RuntimeException {

    private final int encodedBytes;
    private final int limitBytes;

    public RequestTooLargeException(String what, int encodedBytes, int limitBytes) {
        super(what + " would be a " + encodedBytes + "-byte record; the limit is " + limitBytes + " bytes");
        this.encodedBytes = encodedBytes;
        this.limitBytes = limitBytes;
    }

    public int encodedBytes() {
        return encodedBytes;
    }

    public int limitBytes() {
        return limitBytes;
    }
}
