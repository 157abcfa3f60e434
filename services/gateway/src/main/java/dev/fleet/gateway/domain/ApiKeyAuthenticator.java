package dev.fleet.gateway.domain;

import java.time.Duration;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks presented keys with read-your-writes semantics. Before the directory has loaded, every
 * key is {@link Authentication.Outcome#NOT_LOADED}. A well-formed key the directory does not know
 * (or whose tenant it does not know) is checked again after the directory has caught up with its
 * topics' current end offsets, so a key issued a moment ago works on every replica at once; if the
 * catch-up cannot finish within {@code catchUpWait}, the key is
 * {@link Authentication.Outcome#UNVERIFIED} (503), never refused as unknown.
 * <p>
 * Limits: catch-ups are shared and one runs at a time per topic (see the feed), so a flood of
 * made-up keys costs one end-offset request per round, not one per request; each such request
 * still waits for a round (typically milliseconds). Malformed keys are refused without a catch-up.
 */
public final class ApiKeyAuthenticator {

    /** The shape of a fleet key: {@code fk-} and URL-safe Base64 (the orchestrator mints 43 characters). */
    private static final Pattern WELL_FORMED = Pattern.compile("fk-[A-Za-z0-9_-]{16,128}");

    private final ApiKeyDirectory directory;
    private final DirectorySync sync;
    private final Duration catchUpWait;

    public ApiKeyAuthenticator(ApiKeyDirectory directory, DirectorySync sync, Duration catchUpWait) {
        this.directory = directory;
        this.sync = sync;
        this.catchUpWait = catchUpWait;
    }

    /** The outcome for {@code presentedKey}; completes off Kafka's threads. */
    public Mono<Authentication> authenticate(String presentedKey) {
        if (!sync.isLoaded()) {
            return Mono.just(Authentication.rejected(Authentication.Outcome.NOT_LOADED));
        }
        Authentication now = directory.authenticate(presentedKey);
        if (!mayBeTooNew(now) || !WELL_FORMED.matcher(presentedKey).matches()) {
            return Mono.just(now);
        }
        return Mono.fromFuture(sync::catchUp, true)
                .timeout(catchUpWait)
                .then(Mono.fromSupplier(() -> directory.authenticate(presentedKey)))
                .onErrorResume(e -> Mono.fromSupplier(() -> {
                    Authentication after = directory.authenticate(presentedKey);
                    return mayBeTooNew(after) ? Authentication.rejected(Authentication.Outcome.UNVERIFIED) : after;
                }))
                .publishOn(Schedulers.parallel()); // never run the request on a mirror's or the admin client's thread
    }

    private static boolean mayBeTooNew(Authentication authentication) {
        return authentication.outcome() == Authentication.Outcome.UNKNOWN_KEY
                || authentication.outcome() == Authentication.Outcome.UNKNOWN_TENANT;
    }

    /** The tenant and id of a presented key whatever its status, to say whose key was refused; null if never issued. */
    public Caller owner(String presentedKey) {
        return directory.owner(presentedKey);
    }
}
