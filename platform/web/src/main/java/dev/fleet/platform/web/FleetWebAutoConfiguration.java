package dev.fleet.platform.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The admin guard and OpenAI-shaped errors (on every path) for every reactive Fleet service. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(AdminProperties.class)
@Import(ApiErrorHandler.class)
public class FleetWebAutoConfiguration {

    @Bean
    AdminTokenWebFilter adminTokenWebFilter(AdminProperties properties) {
        return new AdminTokenWebFilter(properties);
    }

    @Bean
    OpenAiErrorWebExceptionHandler openAiErrorWebExceptionHandler(ObjectProvider<ObjectMapper> json) {
        return new OpenAiErrorWebExceptionHandler(json.getIfAvailable(ObjectMapper::new));
    }
}
