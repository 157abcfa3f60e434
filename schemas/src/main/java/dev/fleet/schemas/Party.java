package dev.fleet.schemas;

/** Who produces or consumes a topic: the six services, and the people and apps around them. */
public enum Party {
    GATEWAY("gateway", true),
    ORCHESTRATOR("orchestrator", true),
    EMBEDDING_WORKER("embedding-worker", true),
    SCORER("scorer", true),
    USAGE_METERING("usage-metering", true),
    AUDIT("audit", true),
    PRODUCT_APPS("product apps", false),
    ANALYTICS("analytics", false),
    BILLING("billing", false),
    SRE("SREs", false);

    private final String displayName;
    private final boolean service;

    Party(String displayName, boolean service) {
        this.displayName = displayName;
        this.service = service;
    }

    public String displayName() {
        return displayName;
    }

    /** True for the fleet's own services (which provision the topics they touch). */
    public boolean isService() {
        return service;
    }

    /** The service whose application name is {@code name}, e.g. {@code embedding-worker}. */
    public static Party service(String name) {
        for (Party party : values()) {
            if (party.service && party.displayName.equals(name)) {
                return party;
            }
        }
        throw new IllegalArgumentException("no Fleet service is named '" + name + "'");
    }
}
