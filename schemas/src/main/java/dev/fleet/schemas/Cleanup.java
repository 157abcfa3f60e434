package dev.fleet.schemas;

/** A topic's cleanup policy. */
public enum Cleanup {
    DELETE("delete"),
    COMPACT("compact");

    private final String config;

    Cleanup(String config) {
        this.config = config;
    }

    /** The value of Kafka's {@code cleanup.policy} topic config. */
    public String config() {
        return config;
    }
}
