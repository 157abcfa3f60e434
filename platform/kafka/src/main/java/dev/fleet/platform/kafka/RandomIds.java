package dev.fleet.platform.kafka;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random (version 4) UUIDs for event and request ids, as unique as {@link UUID#randomUUID()} (a
 * cryptographically strong generator, 122 random bits) without its shared lock: the JDK's default
 * generator serialises every caller of {@code randomUUID} on one lock, which the chat path (a dozen
 * ids per answered chat, from every event-loop thread) measurably queued on. Each thread here has
 * its own DRBG instance, seeded from the system's entropy. Never a seeded or non-cryptographic
 * generator: two processes must never draw the same ids (metering and audit dedupe on them).
 */
public final class RandomIds {

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(RandomIds::generator);

    private RandomIds() {
    }

    /** A new random UUID, as {@link UUID#randomUUID()} makes them. */
    public static UUID uuid() {
        byte[] bytes = new byte[16];
        RANDOM.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (bytes[i] & 0xff);
        }
        for (int i = 8; i < 16; i++) {
            least = (least << 8) | (bytes[i] & 0xff);
        }
        return new UUID(most, least);
    }

    /** {@link #uuid()} as a string. */
    public static String uuidString() {
        return uuid().toString();
    }

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
