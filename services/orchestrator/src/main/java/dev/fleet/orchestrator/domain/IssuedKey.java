package dev.fleet.orchestrator.domain;

/** A key just issued: the stored record plus the secret, which is shown once and then forgotten. */
public record IssuedKey(TenantKey key, String secret) {

    @Override
    public String toString() {
        return "IssuedKey[" + key + "]";
    }
}
