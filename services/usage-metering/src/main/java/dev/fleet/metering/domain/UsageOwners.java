package dev.fleet.metering.domain;

import java.net.URI;
import java.util.Optional;

/** Which usage-metering instance holds a tenant's usage. */
public interface UsageOwners {

    /**
     * The base URL of the instance that holds {@code tenantId}'s usage, or empty when it is this one.
     *
     * @throws UsageNotQueryableException while no instance holds it (starting, rebalancing)
     */
    Optional<URI> remoteOwner(String tenantId);
}
