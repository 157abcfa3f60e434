package dev.fleet.gateway.domain;

import java.time.Duration;

/** No reply to a request arrived within the allowed time. */
public class ReplyTimeoutException extends RuntimeException {

    public ReplyTimeoutException(String what, Duration waited) {
        super("no reply to the " + what + " within " + (waited.toMillis() % 1000 == 0 ? waited.toSeconds() + "s"
                : waited.toMillis() + "ms"), null, false, false);
    }
}
