package dev.fleet.gateway.config;

import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The gateway's settings for tests that build them by hand: bound like the application binds them,
 * so every setting a test does not name keeps its declared default.
 */
public final class GatewayTestProperties {

    private GatewayTestProperties() {
    }

    /** The settings with {@code keyValues}: pairs of a key (relative to {@code fleet.gateway}) and its value. */
    public static FleetGatewayProperties with(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("pairs of key and value expected");
        }
        Map<String, String> overrides = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put(keyValues[i], keyValues[i + 1]);
        }
        return with(overrides);
    }

    /** The settings with {@code overrides} (keys relative to {@code fleet.gateway}, e.g. {@code reply-timeout}). */
    public static FleetGatewayProperties with(Map<String, String> overrides) {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        overrides.forEach((key, value) -> source.put("fleet.gateway." + key, value));
        return new Binder(source).bindOrCreate("fleet.gateway", FleetGatewayProperties.class);
    }
}
