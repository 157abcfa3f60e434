package dev.fleet.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one way an API key becomes the {@code ApiKey.sha256} the fleet publishes and compares (the
 * orchestrator when it mints a key, the gateway when a key is presented): SHA-256 of its UTF-8
 * bytes, as lower-case hex. The clear key is never kept, compared or logged anywhere else.
 */
public final class ApiKeyHash {

    private static final HexFormat HEX = HexFormat.of();

    private ApiKeyHash() {
    }

    /** Lower-case hex SHA-256 of {@code key}. */
    public static String sha256Hex(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** True when {@code value} looks like a SHA-256 hex digest (64 hex digits, either case). */
    public static boolean isDigest(String value) {
        if (value == null || value.length() != 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.digit(value.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
