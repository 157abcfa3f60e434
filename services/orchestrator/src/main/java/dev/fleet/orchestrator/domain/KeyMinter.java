package dev.fleet.orchestrator.domain;

import java.security.SecureRandom;
import java.util.Base64;

import dev.fleet.schemas.ApiKeyHash;

/**
 * Generates API keys: {@code fk-} followed by 32 bytes from {@link SecureRandom} in URL-safe
 * Base64 without padding (43 characters, 256 bits). What is kept is the lower-case hex SHA-256 of
 * the whole key (what the gateway compares) and its first {@value #PREFIX_LENGTH} characters.
 */
public final class KeyMinter {

    /** Every fleet key starts with it, so secret scanners can find leaked keys. */
    public static final String KEY_PREFIX = "fk-";
    /** Length of the stored, displayable prefix: {@code fk-} and six characters. */
    public static final int PREFIX_LENGTH = 9;

    private static final int SECRET_BYTES = 32;
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    public KeyMinter(SecureRandom random) {
        this.random = random;
    }

    public KeyMinter() {
        this(new SecureRandom());
    }

    public MintedKey mint() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        String secret = KEY_PREFIX + URL_SAFE.encodeToString(bytes);
        return new MintedKey(secret, ApiKeyHash.sha256Hex(secret), secret.substring(0, PREFIX_LENGTH));
    }
}
