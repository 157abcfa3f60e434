package dev.fleet.orchestrator.config;

import java.util.List;

import org.springframework.beans.factory.DisposableBean;

import dev.fleet.orchestrator.domain.ChatProvider;

import reactor.netty.resources.ConnectionProvider;

/**
 * The providers built from configuration ({@link ProvidersConfiguration}), in configuration order,
 * with the connection pools they own (disposed with the context). One bean rather than one per
 * provider, because their number is known only from the environment.
 */
public final class ConfiguredProviders implements DisposableBean {

    private final List<ChatProvider> providers;
    private final List<ConnectionProvider> pools;

    ConfiguredProviders(List<ChatProvider> providers, List<ConnectionProvider> pools) {
        this.providers = List.copyOf(providers);
        this.pools = List.copyOf(pools);
    }

    public List<ChatProvider> providers() {
        return providers;
    }

    @Override
    public void destroy() {
        pools.forEach(ConnectionProvider::dispose);
    }
}
