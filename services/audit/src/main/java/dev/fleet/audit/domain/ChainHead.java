package dev.fleet.audit.domain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The end of one tenant's hash chain: the position and hash of its last row, or position 0 and 32
 * zero bytes (the genesis) before its first. Appending entry {@code e} gives the row at
 * {@code position + 1} whose hash is {@code SHA-256(hash ‖ canonical bytes of e)}.
 */
public record ChainHead(long position, byte[] hash) {

    public static final int HASH_BYTES = 32;
    public static final ChainHead GENESIS = new ChainHead(0, new byte[HASH_BYTES]);

    public ChainHead {
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("a chain hash has " + HASH_BYTES + " bytes, not " + hash.length);
        }
    }

    /** The row {@code entry} becomes when appended here. */
    public ChainedEntry append(AuditEntry entry) {
        return new ChainedEntry(entry, position + 1, hash, link(hash, CanonicalEvent.of(entry)));
    }

    /** The head after {@code row}. */
    public static ChainHead after(ChainedEntry row) {
        return new ChainHead(row.position(), row.hash());
    }

    /** {@code SHA-256(previous ‖ canonical)}. */
    public static byte[] link(byte[] previous, byte[] canonical) {
        MessageDigest sha256 = SHA256.get(); // reset by each digest()
        sha256.update(previous);
        return sha256.digest(canonical);
    }

    /** One digest per thread: looking SHA-256 up per row cost as much as hashing a row. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    public static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }
}
