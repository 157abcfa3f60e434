package dev.fleet.audit.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds and validates {@link FleetAuditProperties} at start-up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FleetAuditProperties.class)
public class AuditConfiguration {
}
