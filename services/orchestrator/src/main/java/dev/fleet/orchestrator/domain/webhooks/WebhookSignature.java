package dev.fleet.orchestrator.domain.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook deliveries: header {@code x-fleet-signature: t=<unix seconds>,v1=<hex HMAC-SHA256>}
 * over {@code "<t>.<body>"}, keyed with the UTF-8 bytes of the tenant's secret as shown to it
 * ({@code whsec_} + 64 hex digits of 32 random bytes). The timestamp lets a receiver refuse replays
 * older than it tolerates.
 */
public final class WebhookSignature {

    public static final String HEADER = "x-fleet-signature";
    public static final String EVENT_ID_HEADER = "x-fleet-event-id";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "whsec_";

    private WebhookSignature() {
    }

    /** A new secret: 32 random bytes, hex, prefixed so it is recognisable in a secret scanner. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + HexFormat.of().formatHex(bytes);
    }

    /** The header value for {@code body} sent at {@code epochSeconds}. */
    public static String header(String secret, long epochSeconds, String body) {
        return "t=" + epochSeconds + ",v1=" + hmac(secret, epochSeconds + "." + body);
    }

    /** Hex HMAC-SHA256 of {@code message} keyed with the secret's UTF-8 bytes. */
    public static String hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
