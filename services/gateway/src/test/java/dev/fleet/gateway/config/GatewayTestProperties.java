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

    /** The settings with {@code overrides} (keys relative to {@code fleet.gateway}, e.g. {@code reply-timeout}). */
    public static FleetGatewayProperties with(Map<String, String> overrides) {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        overrides.forEach((key, value) -> source.put("fleet.gateway." + key, value));
        return new Binder(source).bindOrCreate("fleet.gateway", FleetGatewayProperties.class);
    }
}
