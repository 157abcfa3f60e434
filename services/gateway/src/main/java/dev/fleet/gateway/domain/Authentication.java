package dev.fleet.gateway.domain;

import java.util.Objects;

/** The outcome of checking a presented API key; {@code caller} is set only when authenticated. */
public record Authentication(Outcome outcome, Caller caller) {

    /** Why a key was accepted or not. */
    public enum Outcome {
        AUTHENTICATED,
        /** No key with that hash is known. */
        UNKNOWN_KEY,
        /** The key exists but was revoked. */
        REVOKED_KEY,
        /** The key's tenant is not (or no longer) known: fail closed. */
        UNKNOWN_TENANT,
        /** The key's tenant is suspended. */
        TENANT_SUSPENDED,
        /** The directory has not loaded its topics yet (start-up): no key can be checked. */
        NOT_LOADED,
        /** The key is unknown and the directory could not catch up with its topics in time to be sure. */
        UNVERIFIED
    }

    public Authentication {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.AUTHENTICATED) != (caller != null)) {
            throw new IllegalArgumentException("a caller goes with, and only with, AUTHENTICATED");
        }
    }

    static Authentication authenticated(Caller caller) {
        return new Authentication(Outcome.AUTHENTICATED, caller);
    }

    static Authentication rejected(Outcome outcome) {
        return new Authentication(outcome, null);
    }

    public boolean isAuthenticated() {
        return outcome == Outcome.AUTHENTICATED;
    }
}
