package dev.fleet.gateway.domain;

import java.util.concurrent.CompletableFuture;

/**
 * How fresh the {@link ApiKeyDirectory} is, as the feed that fills it knows (implemented by the
 * messaging package, so the domain needs no Kafka).
 */
public interface DirectorySync {

    /** A directory fed by nothing: always loaded, every catch-up done at once (for tests and tools). */
    DirectorySync STATIC = new DirectorySync() {
        @Override
        public boolean isLoaded() {
            return true;
        }

        @Override
        public CompletableFuture<Void> catchUp() {
            return CompletableFuture.completedFuture(null);
        }
    };

    /** True once everything the key and tenant topics held at start-up has been applied. */
    boolean isLoaded();

    /**
     * Completes once the directory holds every key and tenant record published before this call
     * (fails when that cannot be confirmed within the feed's bound). May complete on a Kafka
     * client thread: continue elsewhere.
     */
    CompletableFuture<Void> catchUp();
}
