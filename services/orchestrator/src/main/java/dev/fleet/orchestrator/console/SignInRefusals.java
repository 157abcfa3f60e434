package dev.fleet.orchestrator.console;

import reactor.core.publisher.Mono;

/** Where the console reports a refused sign-in (a wrong admin token), so that it is audited. */
@FunctionalInterface
public interface SignInRefusals {

    /**
     * @param address  the caller's address
     * @param failures consecutive wrong tokens from that address, this one included
     */
    Mono<Void> refused(String address, int failures);
}
