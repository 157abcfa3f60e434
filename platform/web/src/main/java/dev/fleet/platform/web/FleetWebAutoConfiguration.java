package dev.fleet.platform.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The admin guard and OpenAI-shaped errors for every reactive Fleet service. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(AdminProperties.class)
@Import(ApiErrorHandler.class)
public class FleetWebAutoConfiguration {

    @Bean
    AdminTokenWebFilter adminTokenWebFilter(AdminProperties properties) {
        return new AdminTokenWebFilter(properties);
    }
}
