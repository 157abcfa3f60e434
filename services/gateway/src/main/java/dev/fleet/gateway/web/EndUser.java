package dev.fleet.gateway.web;

/**
 * OpenAI's {@code user} field (an end-user id, for abuse monitoring): at most
 * {@value #MAX_LENGTH} characters and no control characters, since it travels into metadata,
 * logs and provider requests.
 */
final class EndUser {

    static final int MAX_LENGTH = 256;

    private EndUser() {
    }

    /** {@code user} itself when valid; null stays null. @throws dev.fleet.platform.web.ApiErrorException 400 */
    static String validated(String user) {
        if (user == null) {
            return null;
        }
        if (user.length() > MAX_LENGTH) {
            throw RequestMetadata.invalid("user must be at most " + MAX_LENGTH + " characters", "user");
        }
        if (user.chars().anyMatch(Character::isISOControl)) {
            throw RequestMetadata.invalid("user must not contain control characters", "user");
        }
        return user;
    }
}
