package dev.fleet.tools;

/** The command line cannot be understood; the message says what to type instead. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
