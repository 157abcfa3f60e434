package dev.fleet.orchestrator.domain;

/**
 * A freshly generated API key: the secret to hand to the admin once, and what may be stored.
 * {@link #toString()} never shows the secret, so the key cannot end up in a log by accident.
 */
public record MintedKey(String secret, String sha256, String prefix) {

    @Override
    public String toString() {
        return "MintedKey[prefix=" + prefix + ", sha256=" + sha256 + "]";
    }
}
